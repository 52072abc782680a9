package io.twinloop.inference.model.numerics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import io.twinloop.inference.model.perspective.Periphery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The self-check a command runs when it loads a model: passes when the kernels are right, names the one that is not. */
class NumericsSelfCheckTest {

    private NDManager manager;
    private Network network;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(5);
        network = Network.initialise(NetworkConfig.small(16), StateDict.initialise(manager));
    }

    @AfterEach
    void close() {
        Convolution2d.injectFault(null);
        Convolution2d.guard(true);
        manager.close();
    }

    @Test
    void passesWithTheGuardOnServingAndTraining() {
        NumericsSelfCheck.Report serving = NumericsSelfCheck.run(network, 36, 64, 4, false);
        NumericsSelfCheck.Report training = NumericsSelfCheck.run(network, 36, 64, 5, true);
        assertTrue(serving.passed(), serving.summary());
        assertTrue(training.passed(), training.summary());
        assertTrue(training.results().size() > serving.results().size(), "training also checks the gradients");
        assertTrue(serving.summary().startsWith("numerics self-check: "), serving.summary());
    }

    @Test
    void refusesNamingTheOpAndShapeWhenOneConvolutionComesOutWrong() {
        List<Convolution2d.Call> calls = NumericsSelfCheck.convolutions(network, 36, 64, false);
        Convolution2d.Call target = calls.get(calls.size() / 2);
        Convolution2d.injectFault(call -> call.shapeOnly().equals(target));

        NumericsSelfCheck.Report report = NumericsSelfCheck.run(network, 36, 64, 3, false);

        assertFalse(report.passed());
        assertTrue(report.failures().stream().allMatch(f -> f.call().equals(target)), report.summary());
        String line = report.summary();
        assertTrue(line.startsWith("numerics self-check failed: " + target.withBatch(1))
                || line.startsWith("numerics self-check failed: " + target.withBatch(3)), line);
        assertTrue(line.contains("forward") && line.contains("max relative error"), line);
        assertFalse(line.contains("\n"), "one line");
    }

    /**
     * Without the guard, the self-check's forward checks fail exactly when the unguarded kernels compute this
     * network wrong on the CPU at hand: on one where the fault shows (AMD Zen 5) it refuses; elsewhere the unguarded
     * network's outputs must equal the guarded one's. One stream: the path with dense convolutions.
     */
    @Test
    void withTheGuardOffItRefusesWhereTheKernelsAreWrong() {
        Convolution2d.guard(false);
        NumericsSelfCheck.Report report = NumericsSelfCheck.run(network, 36, 64, 2, true);
        boolean forwardFailed = report.failures().stream().anyMatch(f -> f.direction().startsWith("forward"));
        float[] unguarded = twoSessions();
        Convolution2d.guard(true);
        float[] guarded = twoSessions();
        double difference = 0;
        for (int i = 0; i < guarded.length; i++) {
            difference = Math.max(difference, Math.abs(guarded[i] - unguarded[i]));
        }
        difference = Double.isNaN(sum(unguarded)) ? Double.NaN : difference;
        System.out.println("guard off: " + report.summary() + "; network outputs differ by " + difference);
        boolean wrong = !(difference < 1e-4 * Math.max(1, maxAbs(guarded)));
        assertEquals(wrong, forwardFailed, report.summary() + "; outputs differ by " + difference);
    }

    /**
     * @return the core's features for 2 sessions over 2 frames from a fresh state, stream 0 (a dense path); not the
     *         rates: an initialised readout's are all 1, whatever the core computes
     */
    private float[] twoSessions() {
        try (NDManager frame = manager.newSubManager()) {
            frame.getEngine().setRandomSeed(3);
            NetworkState state = NetworkState.fresh();
            NDArray y = null;
            for (int t = 0; t < 2; t++) {
                y = network.coreFeatures(frame.randomUniform(0, 1, new Shape(2, 1, 36, 64)), frame.zeros(new Shape(2, 2)),
                        frame.zeros(new Shape(2, 2)), 0, Periphery.DARK, state);
            }
            return y.toFloatArray();
        }
    }

    private static double sum(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }

    private static double maxAbs(float[] values) {
        double m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
