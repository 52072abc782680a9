package io.twinloop.inference.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.training.data.ClipRequest;
import io.twinloop.inference.training.data.ClipSampler;
import io.twinloop.inference.training.data.FnnTrainingLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transfer on the real architecture (small widths): a "teacher" network records responses to
 * random clips; a "student" gets the teacher's core, frozen, and fresh perspective, modulation and
 * readout, and is fitted to the recording.
 */
class NetworkTrainingTest {

    private static final int UNITS = 8;
    private static final int FRAMES = 5;
    private static final int HEIGHT = 36;
    private static final int WIDTH = 64;

    @Test
    void frozenCoreTransferLowersTheLoss(@TempDir Path recording) throws IOException {
        NetworkConfig config = NetworkConfig.small(UNITS);
        try (NDManager manager = NDManager.newBaseManager()) {
            // fnn starts readouts at zero (every rate 1): give the teacher's readout random values
            Engine.getInstance().setRandomSeed(1);
            StateDict initial = StateDict.initialise(manager);
            Network.initialise(config, initial);
            Map<String, NDArray> teacherTensors = new LinkedHashMap<>(initial.tensors());
            for (String key : List.of("readout.feature.weights.0", "readout.feature.weights.1",
                    "readout.feature.weights.2", "readout.feature.weights.3")) {
                NDArray w = teacherTensors.get(key);
                teacherTensors.put(key, manager.randomNormal(0, 0.3f, w.getShape(), w.getDataType()));
            }
            Network teacher = Network.load(config, StateDict.of(manager, teacherTensors));
            TeacherRecording.write(teacher, recording, 2, FRAMES, HEIGHT, WIDTH, 3, manager);

            Engine.getInstance().setRandomSeed(2);
            StateDict fresh = StateDict.initialise(manager);
            Network.initialise(config, fresh);
            Map<String, NDArray> studentTensors = new LinkedHashMap<>(fresh.tensors());
            teacherTensors.forEach((key, value) -> {
                if (key.startsWith("core.")) {
                    studentTensors.put(key, value.duplicate());
                }
            });
            NetworkTrainingModel model = new NetworkTrainingModel(config, studentTensors);

            FnnTrainingLayout layout = FnnTrainingLayout.open(recording);
            TrainingConfig training = new TrainingConfig(0.05, new NesterovSgd.Settings(0, 0.9, true, 0.1, 0.01),
                    new CosineSchedule(2, 1, 1), 0, 3, 1, 2, 0, 1, true);
            Trainer trainer = new Trainer(model, layout, training, manager).freeze("core");
            Map<String, float[]> start = new LinkedHashMap<>();
            studentTensors.forEach((k, v) -> start.put(k, v.toFloatArray()));
            double before = loss(model, layout, manager);
            List<EpochMetrics> epochs = trainer.run(2);
            assertTrue(epochs.stream().allMatch(m -> m.droppedGradients() == 0), "non-finite gradients: " + epochs);
            double after = loss(model, layout, manager);

            assertTrue(after < before, "loss " + before + " -> " + after);
            for (Map.Entry<String, NDArray> e : studentTensors.entrySet()) {
                if (e.getKey().startsWith("core.")) {
                    assertArrayEquals(start.get(e.getKey()), e.getValue().toFloatArray(), e.getKey() + " is frozen");
                }
            }
            // perspective (monitor and retina included: tensors derived from them when the network is
            // built), modulation and readout (its Gaussian mean included) learn; one stream per batch
            for (String prefix : List.of("perspective.monitor.", "perspective.mlp.", "modulation.lstm.",
                    "readout.position.mu", "readout.feature.weights.", "readout.biases.")) {
                long moved = studentTensors.entrySet().stream()
                        .filter(e -> e.getKey().startsWith(prefix))
                        .filter(e -> !Arrays.equals(start.get(e.getKey()), e.getValue().toFloatArray()))
                        .count();
                assertTrue(moved > 0, "no parameter under " + prefix + " moved");
            }
        }
    }

    /** Objective of all streams over every whole trial. */
    private static double loss(TrainableModel model, FnnTrainingLayout layout, NDManager manager) throws IOException {
        ClipSampler whole = new ClipSampler(layout, FRAMES, 1);
        List<ClipRequest> requests = new ArrayList<>();
        for (String trial : layout.trials(true)) {
            requests.add(new ClipRequest(trial, 0, FRAMES));
        }
        try (NDManager sub = manager.newSubManager(); NoGrad noGrad = new NoGrad()) {
            return new ClipObjective(model, 2).loss(whole.load(requests), null, false, sub).getFloat();
        }
    }
}
