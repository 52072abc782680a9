package io.twinloop.inference.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.perspective.Periphery;
import io.twinloop.inference.training.data.ClipRequest;
import io.twinloop.inference.training.data.ClipSampler;
import io.twinloop.inference.training.data.FnnTrainingLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The readout's start from responses, on the real architecture: a teacher network whose units read known cells
 * of its core's map records responses; a student with the teacher's core and a blank readout is started from
 * them, and must find the cells and predict the responses before any training step.
 */
class ReadoutStartTest {

    private static final int TRIALS = 12;
    private static final int FRAMES = 20;
    private static final int BURNIN = 2;
    private static final int HEIGHT = 36;
    private static final int WIDTH = 64;
    /** cells of the teacher's units on the map, row-major */
    private static final int[] CELLS = {0, 5, 9, 14, 18, 23};

    private final NetworkConfig config = NetworkConfig.tiny(CELLS.length);

    @Test
    void findsEachUnitsCellAndPredictsItsResponse(@TempDir Path recording) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> teacherTensors = teacher(manager);
            long[] map = mapSize(config, teacherTensors, manager);
            TeacherRecording.write(Network.load(config, StateDict.of(manager, teacherTensors)), recording, TRIALS,
                    FRAMES, HEIGHT, WIDTH, 5, manager);
            Map<String, NDArray> student = blankStudent(teacherTensors);
            FnnTrainingLayout layout = FnnTrainingLayout.open(recording);
            ClipSampler sampler = new ClipSampler(layout, FRAMES, 4);
            double blank = loss(config, student, layout, manager);

            ReadoutStart.Summary summary = ReadoutStart.apply(config, student, sampler, TRIALS, BURNIN);

            assertEquals(layout.trials(true).size() * (FRAMES - BURNIN), summary.frames());
            float[] started = student.get("readout.position.mu").toFloatArray();
            int found = 0;
            List<Long> cells = new ArrayList<>();
            for (int u = 0; u < CELLS.length; u++) {
                long column = Math.round(((Math.tanh(started[2 * u]) + 1) * map[1] - 1) / 2);
                long row = Math.round(((Math.tanh(started[2 * u + 1]) + 1) * map[0] - 1) / 2);
                cells.add(row * map[1] + column);
                found += row * map[1] + column == CELLS[u] ? 1 : 0;
            }
            assertTrue(found >= CELLS.length - 1, "found the teacher's cell for " + found + " of " + CELLS.length + " units: " + cells + " for "
                    + java.util.Arrays.toString(CELLS) + " on a map of " + map[0] + " x " + map[1]);
            double start = loss(config, student, layout, manager);
            assertTrue(start < blank, "objective " + blank + " at fnn's blank readout, " + start + " from the responses");
            assertTrue(summary.medianCorrelation() > 0.5, "median best-cell correlation " + summary.medianCorrelation());
            assertTrue(summary.medianAboveChance() > 0, "median share above chance " + summary.medianAboveChance());
        }
    }

    /**
     * Responses that have nothing to do with the frames (the teacher's responses to other frames): the search over
     * cells still finds a best cell for each unit, but no better than on responses shifted against the frames, so
     * the start barely modulates the rates and does not make the objective worse.
     */
    @Test
    void keepsFnnsStartWhereTheResponsesAreNoise(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> teacherTensors = teacher(manager);
            Network teacher = Network.load(config, StateDict.of(manager, teacherTensors));
            Path shown = dir.resolve("shown");
            Path other = dir.resolve("other");
            TeacherRecording.write(teacher, shown, TRIALS, FRAMES, HEIGHT, WIDTH, 5, manager);
            TeacherRecording.write(teacher, other, TRIALS, FRAMES, HEIGHT, WIDTH, 6, manager);
            try (var files = Files.list(other.resolve("units"))) {
                for (Path file : files.toList()) {
                    Files.copy(file, shown.resolve("units").resolve(file.getFileName()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Map<String, NDArray> student = blankStudent(teacherTensors);
            FnnTrainingLayout layout = FnnTrainingLayout.open(shown);
            double blank = loss(config, student, layout, manager);

            ReadoutStart.Summary summary = ReadoutStart.apply(config, student, new ClipSampler(layout, FRAMES, 4),
                    TRIALS, BURNIN);

            // the fresh state's start-up explains most of the teacher's responses, to every clip's frames alike: the
            // search finds it in the shifted responses too
            assertTrue(summary.medianAboveChance() < 0.1, "median share of R^2 above chance "
                    + summary.medianAboveChance() + " for responses unrelated to the frames");
            assertTrue(summary.medianModulation() < 0.05, "median starting modulation " + summary.medianModulation());
            double start = loss(config, student, layout, manager);
            assertTrue(start < blank * 1.01, "objective " + blank + " at fnn's blank readout, " + start + " after the start");
        }
    }

    /** A tiny network whose units read the map's {@link #CELLS} with random feature weights. */
    private Map<String, NDArray> teacher(NDManager manager) {
        Engine.getInstance().setRandomSeed(11);
        StateDict initial = StateDict.initialise(manager);
        Network.initialise(config, initial);
        Map<String, NDArray> tensors = new LinkedHashMap<>(initial.tensors());
        long[] map = mapSize(config, tensors, manager);
        float[] mu = new float[CELLS.length * 2];
        for (int u = 0; u < CELLS.length; u++) {
            mu[2 * u] = (float) atanh((2.0 * (CELLS[u] % map[1]) + 1) / map[1] - 1);
            mu[2 * u + 1] = (float) atanh((2.0 * (CELLS[u] / map[1]) + 1) / map[0] - 1);
        }
        tensors.put("readout.position.mu", manager.create(mu, new Shape(CELLS.length, 2)));
        NDArray w = tensors.get("readout.feature.weights.0");
        tensors.put("readout.feature.weights.0", manager.randomNormal(0, 0.5f, w.getShape(), w.getDataType()));
        return tensors;
    }

    /** The teacher's core, perspective and modulation with fnn's blank readout. */
    private static Map<String, NDArray> blankStudent(Map<String, NDArray> teacherTensors) {
        Map<String, NDArray> student = new LinkedHashMap<>();
        teacherTensors.forEach((key, value) -> student.put(key, value.duplicate()));
        student.get("readout.position.mu").set(new NDIndex("..."), 0f);
        student.get("readout.feature.weights.0").set(new NDIndex("..."), 0f);
        return student;
    }

    /** @return {H, W} of the core's map for the test's frames */
    private static long[] mapSize(NetworkConfig config, Map<String, NDArray> tensors, NDManager manager) {
        try (NDManager sub = manager.newSubManager(); NoGrad noGrad = new NoGrad()) {
            Network network = Network.load(config, StateDict.of(sub, tensors));
            NDArray features = network.coreFeatures(sub.zeros(new Shape(1, 1, HEIGHT, WIDTH)), sub.zeros(new Shape(1, 2)),
                    sub.zeros(new Shape(1, 2)), null, Periphery.DARK, NetworkState.fresh());
            return new long[] {features.getShape().get(2), features.getShape().get(3)};
        }
    }

    /** The Poisson objective over every whole training trial, after the burn-in. */
    private static double loss(NetworkConfig config, Map<String, NDArray> tensors, FnnTrainingLayout layout,
                               NDManager manager) throws IOException {
        List<ClipRequest> requests = new ArrayList<>();
        for (String trial : layout.trials(true)) {
            requests.add(new ClipRequest(trial, 0, FRAMES));
        }
        try (NDManager sub = manager.newSubManager(); NoGrad noGrad = new NoGrad()) {
            NetworkTrainingModel model = new NetworkTrainingModel(config, tensors);
            return new ClipObjective(model, BURNIN).loss(new ClipSampler(layout, FRAMES, 1).load(requests), null, false,
                    sub).getFloat();
        }
    }

    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }
}
