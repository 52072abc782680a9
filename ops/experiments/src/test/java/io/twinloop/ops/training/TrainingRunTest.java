package io.twinloop.ops.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.twinloop.inference.checkpoint.TorchCheckpoint;
import io.twinloop.inference.checkpoint.TwinloopCheckpoint;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkLoader;
import io.twinloop.inference.training.CosineSchedule;
import io.twinloop.inference.training.EpochMetrics;
import io.twinloop.inference.training.NesterovSgd;
import io.twinloop.inference.training.NetworkTrainingModel;
import io.twinloop.inference.training.TrainingConfig;
import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.recordings.sensorium.RecordingLayout;
import io.twinloop.simulator.recording.RecordingPlan;
import io.twinloop.simulator.recording.SessionRecorder;
import io.twinloop.recordings.sensorium.SensoriumReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training end to end on recordings of synthetic mice, with the real (tiny) architecture: a cohort on one
 * core, its export as the checkpoint the service loads, and a new mouse fitted on that core, frozen.
 */
class TrainingRunTest {

    @TempDir
    static Path dir;
    private static MouseRecording first;
    private static MouseRecording second;

    @BeforeAll
    static void record() throws IOException {
        RecordingPlan plan = new RecordingPlan(3, 1, 2, 2, 40, Map.of("natural-movies", 1.0),
                List.of("natural-movies", "drifting-gabor"));
        SessionRecorder.recordSimulated(dir.resolve("m1"), 1, plan, MouseConfig.defaults().withNeurons(12), false);
        SessionRecorder.recordSimulated(dir.resolve("m2"), 2, plan, MouseConfig.defaults().withNeurons(9), false);
        first = MouseRecording.open(dir.resolve("m1"));
        second = MouseRecording.open(dir.resolve("m2"));
    }

    private static TrainingConfig config() {
        return new TrainingConfig(0.1, new NesterovSgd.Settings(0, 0.9, true, 1.0, 0.01), new CosineSchedule(2, 1, 1),
                0, 12, 2, 2, 1, 2, true);
    }

    @Test
    void aCohortSharesOneCoreAndItsExportIsWhatTheServiceServes() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingRun.Result result = new TrainingRun("tiny", 3, config(), 2, null, false, 0, ReadoutInitialisation.AUTO)
                    .run(List.of(first, second), manager, dir.resolve("metrics.csv"), null, false, null, null);
            NetworkTrainingModel a = result.model().mice().get("m1");
            NetworkTrainingModel b = result.model().mice().get("m2");
            assertEquals(12, a.config().units());
            assertEquals(9, b.config().units());
            a.tensors().forEach((key, value) -> {
                if (key.startsWith("core.")) {
                    assertTrue(value == b.tensors().get(key), key + " is shared");
                }
            });
            assertTrue(result.epochs().stream().allMatch(m -> m.droppedGradients() == 0 && Double.isFinite(m.trainingLoss())),
                    result.epochs().toString());

            Path file = dir.resolve("m1.twinloop");
            TwinExport.write(file, "tiny", a, JsonNodeFactory.instance.objectNode().put("test", true));
            List<Integer> test = new SensoriumReader(first.root()).trialsInTier(RecordingLayout.TEST);
            float[][][] trained = HeldOutEvaluation.predict(a, first, test, manager);
            try (NDManager served = NDManager.newBaseManager()) {
                Network loaded = NetworkLoader.load(served, "small", List.of(file));
                assertEquals(12, loaded.units());
                assertEquals(io.twinloop.inference.model.network.NetworkConfig.tiny(12), loaded.config(),
                        "the architecture travels in the file");
                NetworkTrainingModel reloaded = new NetworkTrainingModel(loaded.config(),
                        TorchCheckpoint.toNDArrays(served, TwinloopCheckpoint.read(file).tensors()));
                float[][][] fromFile = HeldOutEvaluation.predict(reloaded, first, test, served);
                for (int t = 0; t < test.size(); t++) {
                    for (int f = 0; f < trained[t].length; f++) {
                        assertArrayEquals(trained[t][f], fromFile[t][f], 1e-6f);
                    }
                }
            }

            List<HeldOutEvaluation.DomainScores> scores = new HeldOutEvaluation(2).score(a, first,
                    RecordingLayout.TEST, manager);
            assertEquals(java.util.Set.of("natural-movies", "drifting-gabor", "all"),
                    scores.stream().map(HeldOutEvaluation.DomainScores::domain).collect(java.util.stream.Collectors.toSet()));
            // the recording's noise-free response, scored the same way, is the reference, far above a barely trained twin
            scores.forEach(s -> assertTrue(Double.isFinite(s.perfectCcNorm()) && Double.isFinite(s.ccNorm()), s.toString()));
            HeldOutEvaluation.DomainScores all = scores.get(scores.size() - 1);
            assertEquals("all", all.domain());
            assertTrue(all.perfectCcNorm() > 0.5 && all.perfectCcNorm() > all.ccNorm(), all.toString());
        }
    }

    /** One seed, one thread count, one ISA: the same losses, bit for bit (docs/numerics.md). */
    @Test
    void oneSeedGivesTheSameLossCurveTwice() throws IOException {
        List<List<Double>> curves = new java.util.ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (NDManager manager = NDManager.newBaseManager()) {
                TrainingRun.Result result = new TrainingRun("tiny", 5, config(), 2, null, false, 0,
                        ReadoutInitialisation.AUTO).run(List.of(first), manager, null, null, false, null, null);
                List<Double> curve = new java.util.ArrayList<>();
                for (EpochMetrics m : result.epochs()) {
                    curve.addAll(List.of(m.trainingLoss(), m.validationLoss(), m.gradientNorm()));
                }
                assertTrue(curve.stream().allMatch(Double::isFinite), curve.toString());
                curves.add(curve);
            }
        }
        System.out.println("loss curve of seed 5 (training, validation, gradient norm per epoch): " + curves.get(0));
        assertEquals(curves.get(0), curves.get(1));
    }

    @Test
    void aNewMouseIsFittedOnAFrozenCore() throws IOException {
        Path core;
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingRun.Result cohort = new TrainingRun("tiny", 3, config(), 1, null, false, 0, ReadoutInitialisation.AUTO)
                    .run(List.of(first), manager, null, null, false, null, null);
            core = dir.resolve("core.twinloop");
            TwinExport.write(core, "tiny", cohort.model().mice().get("m1"), null);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, float[]> coreBefore = new LinkedHashMap<>();
            TwinloopCheckpoint.read(core).tensors().forEach((key, tensor) -> {
                if (key.startsWith("core.")) {
                    coreBefore.put(key, tensor.floats());
                }
            });
            TrainingRun run = new TrainingRun("tiny", 4, config(), 2, core, true, 2, ReadoutInitialisation.AUTO);
            TrainingRun.Result fit = run.run(List.of(second), manager, null, null, false, null, null);
            NetworkTrainingModel mouse = fit.model().mice().get("m2");
            for (Map.Entry<String, NDArray> e : mouse.tensors().entrySet()) {
                if (e.getKey().startsWith("core.")) {
                    assertArrayEquals(coreBefore.get(e.getKey()), e.getValue().toFloatArray(), e.getKey() + " is frozen");
                }
            }
            // on a frozen core the readout starts from the responses: units at cells of the map, not all at its centre
            float[] positions = mouse.tensors().get("readout.position.mu").toFloatArray();
            assertFalse(Arrays.equals(new float[positions.length], positions), "positions started from the responses");
            assertTrue(fit.epochs().stream().allMatch(m -> Double.isFinite(m.trainingLoss())), fit.epochs().toString());
            assertFalse(fit.epochs().isEmpty());
            assertTrue(fit.epochs().stream().mapToInt(EpochMetrics::droppedGradients).sum() == 0);
        }
    }
}
