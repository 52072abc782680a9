package io.twinloop.ops.closedloop.mei;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinloop.ops.closedloop.SyntheticMouseResponder;
import io.twinloop.simulator.mouse.BehaviourAtFrame;
import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.simulator.mouse.NeuronTuning;
import io.twinloop.simulator.mouse.TuningSampler;
import io.twinloop.simulator.stimuli.DomainKind;
import io.twinloop.simulator.stimuli.StimulusDomain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small MEI search on a synthetic mouse: the MEI beats the best natural segment and random search. */
class MeiEndToEndTest {

    @Test
    void cmaEsMeiBeatsTheBestNaturalClipAndRandomSearch(@TempDir Path out) throws Exception {
        MouseConfig config = MouseConfig.defaults().withNeurons(40);
        List<NeuronTuning> all = TuningSampler.sample(config, 3);
        List<NeuronTuning> chosen = List.of(all.get(5), all.get(30));
        BehaviourAtFrame held = new BehaviourAtFrame(config.pupilReferenceX(), config.pupilReferenceY(),
                config.pupilReferenceRadius(), 0);
        SyntheticMouseResponder mouse = SyntheticMouseResponder.expected(config, chosen, held);
        StimulusDomain movies = DomainKind.NATURAL_MOVIES.create(9);
        int frames = 10;
        List<NaturalSegments.Segment> naturals = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            float[][] clip = new float[frames][];
            for (int t = 0; t < frames; t++) {
                clip[t] = movies.render((long) s * 40 + t);
            }
            naturals.add(new NaturalSegments.Segment(0, s * 40, clip));
        }
        // a coarser band (0.03 cpp: 104 dimensions) and few generations keep this small
        MeiRun.Settings settings = new MeiRun.Settings(frames, 4, 0.03, 4.0, 15, 1.0, 64);
        String line = MeiRun.run(mouse, mouse, new int[] {0, 1}, new long[] {5, 30}, naturals, settings, out,
                4, chosen);
        System.out.println(line);
        JsonNode summary = new ObjectMapper().readTree(line);
        double cma = summary.get("median_ratio_vs_best_natural").asDouble();
        double random = summary.get("median_ratio_random_search").asDouble();
        assertTrue(cma > 1, line);
        assertTrue(cma > random, line);
        assertTrue(Files.size(out.resolve("mei.csv")) > 0 && Files.exists(out.resolve("meis.png")), line);
    }
}
