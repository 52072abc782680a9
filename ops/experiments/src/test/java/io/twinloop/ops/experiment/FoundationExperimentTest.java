package io.twinloop.ops.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.inference.checkpoint.TwinloopCheckpoint;
import io.twinloop.inference.training.CosineSchedule;
import io.twinloop.inference.training.Adam;
import io.twinloop.inference.training.NesterovSgd;
import io.twinloop.inference.training.TrainingConfig;
import io.twinloop.ops.training.MouseRecording;
import io.twinloop.ops.training.ReadoutInitialisation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole experiment at the smallest size that has every part: a cohort recorded with more neurons than the new
 * mouse, a core trained on it, both fits of the new mouse, and the report.
 */
class FoundationExperimentTest {

    @Test
    void runsEveryStageAndTheFoundationFitKeepsTheCohortsCore(@TempDir Path out) throws IOException {
        FoundationExperiment.Settings settings = new FoundationExperiment.Settings(1, 2, List.of(1), 5, 8, 1, 2, 1, 1,
                2, "tiny", 3, ReadoutInitialisation.AUTO);
        TrainingConfig training = new TrainingConfig(0.1, new NesterovSgd.Settings(0, 0.9, true, 1.0, 0.01),
                new CosineSchedule(1, 0, 0), 0, 8, 2, 1, 1, 1, true);

        ObjectNode summary = new FoundationExperiment(settings, training, training).run(out);

        Path recordings = out.resolve("recordings");
        assertEquals(8, MouseRecording.open(recordings.resolve("cohort-0")).units(), "cohort neurons");
        assertEquals(5, MouseRecording.open(recordings.resolve("new-mouse")).units(), "new mouse neurons");
        TwinloopCheckpoint core = TwinloopCheckpoint.read(out.resolve(FoundationExperiment.CORE_FILE));
        assertEquals(8, core.metadata().path("cohort_neurons").asInt());

        TwinloopCheckpoint foundation = TwinloopCheckpoint.read(out.resolve("foundation-1.twinloop"));
        TwinloopCheckpoint individual = TwinloopCheckpoint.read(out.resolve("individual-1.twinloop"));
        assertEquals(5, foundation.units());
        boolean differsFromScratch = false;
        for (String key : core.tensors().keySet()) {
            if (key.startsWith("core.")) {
                assertArrayEquals(core.tensors().get(key).floats(), foundation.tensors().get(key).floats(),
                        key + " is frozen in the foundation fit");
                differsFromScratch |= !Arrays.equals(core.tensors().get(key).floats(),
                        individual.tensors().get(key).floats());
            }
        }
        assertTrue(differsFromScratch, "the individual fit trains its own core");

        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        for (String model : List.of("foundation", "individual")) {
            for (String domain : FoundationExperiment.TEST_DOMAINS) {
                for (int seedIndex : new int[] {0, 1}) {
                    String row = model + ",1," + seedIndex + "," + domain + ",";
                    assertTrue(rows.stream().anyMatch(r -> r.startsWith(row)), row + " in " + rows);
                }
            }
        }
        // the second seed is its own fit: its own file, its own initialisation
        TwinloopCheckpoint secondSeed = TwinloopCheckpoint.read(out.resolve("individual-1-seed1.twinloop"));
        assertTrue(core.tensors().keySet().stream().filter(k -> k.startsWith("core."))
                .anyMatch(k -> !Arrays.equals(individual.tensors().get(k).floats(),
                        secondSeed.tensors().get(k).floats())),
                "a second seed initialises its own core");
        JsonNode comparison = summary.path("foundation_vs_individual");
        assertEquals(FoundationExperiment.TEST_DOMAINS.size(), comparison.size(), comparison.toString());
        for (JsonNode cell : comparison) {
            assertEquals(2, cell.path("seeds").asInt(), cell.toString());
        }
        JsonNode fits = summary.path("fits");
        assertEquals(4, fits.size());
        for (JsonNode fit : fits) {
            assertTrue(fit.path("receptive_field_recovery").has("x"), fit.toString());
            assertEquals(0, fit.path("kept_epoch").asInt(-1), "one epoch: the one kept");
            assertTrue(fit.path("training").asText().contains("the epoch of lowest loss on the same validation clips kept"),
                    fit.toString());
            assertTrue(Double.isFinite(fit.path("natural-movies").path("perfect_twin_cc_norm").asDouble(Double.NaN)),
                    fit.toString());
        }
        assertTrue(Files.size(out.resolve("fig3-foundation-vs-individual.png")) > 0);

        // fits already in the directory are kept, so a stopped fits stage resumes where it stopped
        long written = Files.getLastModifiedTime(out.resolve("individual-1-seed1.twinloop")).toMillis();
        new FoundationExperiment(settings, training, training).fits(out, List.of(FoundationExperiment.INDIVIDUAL));
        assertEquals(written, Files.getLastModifiedTime(out.resolve("individual-1-seed1.twinloop")).toMillis());
        assertTrue(fits.get(0).path("training").asText().contains("SGD with Nesterov momentum"), fits.toString());
        assertTrue(core.metadata().path("training").asText().contains("peak lr 0.1"), core.metadata().toString());

        // ...but not when they were made with other settings: a rerun must not report them as its own
        TrainingConfig adam = new TrainingConfig(0.01, Adam.Settings.defaults(), new CosineSchedule(1, 0, 0), 0, 8, 2,
                1, 1, 1, true);
        IllegalArgumentException otherFits = assertThrows(IllegalArgumentException.class,
                () -> new FoundationExperiment(settings, training, adam)
                        .fits(out, List.of(FoundationExperiment.INDIVIDUAL)));
        assertTrue(otherFits.getMessage().contains("individual-1.json was trained with other settings"),
                otherFits.getMessage());
        assertTrue(otherFits.getMessage().contains("now: tiny network, seed 4, 1 epochs of Adam"),
                otherFits.getMessage());
        IllegalArgumentException otherCore = assertThrows(IllegalArgumentException.class,
                () -> new FoundationExperiment(settings, adam, training).trainCore(out));
        assertTrue(otherCore.getMessage().contains("foundation-core.twinloop was trained with other settings"),
                otherCore.getMessage());

        // the recordings are reused by a later run only when they are the mice it asks for
        FoundationExperiment.Settings moreNeurons = new FoundationExperiment.Settings(1, 2, List.of(1), 5, 9, 1, 2, 1,
                1, 1, "tiny", 3, ReadoutInitialisation.AUTO);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new FoundationExperiment(moreNeurons, training, training).trainCore(out));
        assertTrue(refused.getMessage().contains("recorded with 8 neurons"), refused.getMessage());
    }
}
