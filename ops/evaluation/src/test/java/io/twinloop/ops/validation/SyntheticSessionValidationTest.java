package io.twinloop.ops.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.simulator.recording.DomainClipSource;
import io.twinloop.recordings.sensorium.RecordingLayout;
import io.twinloop.simulator.recording.RecordingPlan;
import io.twinloop.simulator.recording.SessionRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * End to end without a model: record a synthetic session, then score its noise-free responses (a perfect twin)
 * and the responses of other clips (a useless one) against the recording, and write the report.
 */
class SyntheticSessionValidationTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void aPerfectTwinReachesTheNoiseCeilingAndAShuffledOneDoesNot() throws Exception {
        Path dir = Path.of("target", "synthetic-session-validation");
        Path recording = dir.resolve("recording");
        RecordingPlan plan = new RecordingPlan(2, 2, 2, 4, 150, DomainClipSource.defaultWeights());
        SessionRecorder.recordSimulated(recording, 17, plan, MouseConfig.defaults().withNeurons(300), false);

        RecordedResponses recorded = RecordedResponses.load(recording,
                Set.of(RecordingLayout.ORACLE, RecordingLayout.TEST));
        assertEquals((plan.oracleClips() + plan.testClips()) * plan.repeats(), recorded.trials().size());

        NeuronScorer scorer = new NeuronScorer(10);
        NeuronScores perfect = scorer.score(recorded.against(recorded.noiseless()));
        float[][][] shuffled = new float[recorded.trials().size()][][];
        for (int i = 0; i < shuffled.length; i++) {
            // Each trial predicted by the noise-free response of a trial of another clip.
            int other = (i + plan.repeats()) % shuffled.length;
            while (recorded.clipIds().get(other).equals(recorded.clipIds().get(i))) {
                other = (other + 1) % shuffled.length;
            }
            shuffled[i] = recorded.noiseless()[other];
        }
        NeuronScores useless = scorer.score(recorded.against(shuffled));

        double perfectNorm = Moments.median(perfect.ccNorm());
        double uselessNorm = Moments.median(useless.ccNorm());
        System.out.printf("median CC_max %.3f, CC_norm perfect %.3f, shuffled %.3f%n",
                Moments.median(perfect.ccMax()), perfectNorm, uselessNorm);
        assertEquals(1.0, perfectNorm, 0.15, "the noise-free response is as good as any prediction can be");
        assertTrue(uselessNorm < 0.5 * perfectNorm, "shuffled: " + uselessNorm);
        assertTrue(Moments.median(perfect.singleTrialCorrelation()) < Moments.median(perfect.ccAbs()),
                "single trials are noisier than repeat averages");

        Path markdown = ValidationReport.write(dir.resolve("report"), new ReportInput("synthetic mouse, perfect twin",
                recorded.unitIds(), recorded.noiseless(), recorded.responses(), perfect, null, 10));
        assertTrue(Files.readString(markdown).contains("Not measured"));
    }
}
