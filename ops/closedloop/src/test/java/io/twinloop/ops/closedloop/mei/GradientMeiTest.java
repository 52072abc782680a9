package io.twinloop.ops.closedloop.mei;

import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.Twin;
import io.twinloop.inference.model.network.FnnTwin;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import io.twinloop.inference.torchscript.TorchScriptTwin;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient MEIs through both kinds of twin: fnn's network in Java (random weights, tiny widths) and a TorchScript
 * twin (the shallow exporter's fixture). Gradient ascent must raise every row's objective from its random start, a
 * unit named twice must get two different stimuli, and the constraints must hold.
 */
class GradientMeiTest {

    private static final int RANDOM = 8;
    private static final float[] PUPIL = {0.1f, -0.2f};
    private static final float[] RUNNING = {0.3f, 0.5f};

    @Test
    void imagesThroughTheJavaPortRaiseTheirUnitsAndDifferPerStart() {
        try (NDManager manager = NDManager.newBaseManager()) {
            StateDict parameters = StateDict.initialise(manager);
            Network.initialise(NetworkConfig.tiny(6), parameters);
            // fnn's initialisation leaves the readout's feature weights at zero (every unit at the same rate):
            // draw them, so that units differ and respond to the stimulus
            try (NoGrad noGrad = new NoGrad()) {
                parameters.tensors().forEach((key, p) -> {
                    if (key.startsWith("readout.feature")) {
                        p.addi(manager.randomNormal(0, 0.3f, p.getShape(), p.getDataType()));
                    }
                });
            }
            Network network = Network.load(NetworkConfig.tiny(6), StateDict.of(manager, parameters.tensors()));
            Twin twin = new FnnTwin(network);
            GradientMei.Settings settings = new GradientMei.Settings(GradientMei.Kind.IMAGE, 4, 2, 12, 0.5, 0.45,
                    0.2, 1.5, 36, 64, PUPIL, RUNNING, 7);
            List<GradientMei.Result> results = GradientMei.optimise(twin, new int[] {0, 3, 3}, settings);
            check(twin, results, settings, 36, 64, 1);
            assertTrue(distance(results.get(1), results.get(2)) > 0.01,
                    "two starts of one unit gave the same stimulus");
        }
    }

    @Test
    void videosThroughATorchScriptTwinRaiseTheirUnits() throws URISyntaxException {
        Path file = Path.of(GradientMeiTest.class.getResource("/torchscript/shallow.pt").toURI());
        try (TorchScriptTwin twin = TorchScriptTwin.load(file)) {
            assertTrue(twin.differentiable(), "the shallow twin is built from differentiable operations");
            GradientMei.Settings settings = new GradientMei.Settings(GradientMei.Kind.VIDEO, 5, 2, 10, 0.5, 0.45,
                    0.2, 1.0, 0, 0, PUPIL, RUNNING, 9);
            assertThrows(IllegalArgumentException.class, () -> new GradientMei.Settings(GradientMei.Kind.IMAGE, 4, 4,
                    1, 0.5, 0.5, 0.2, 1, 36, 64, PUPIL, RUNNING, 1));
            List<GradientMei.Result> results = GradientMei.optimise(twin, new int[] {1, 5}, settings);
            check(twin, results, settings, twin.height(), twin.width(), 5);
        }
    }

    /**
     * Each MEI drives its unit above its own random start and above the best of {@value #RANDOM} other random
     * stimuli of the same kind and contrast (what the search has to beat to be worth running).
     */
    private static void check(Twin twin, List<GradientMei.Result> results, GradientMei.Settings s, int height,
                              int width, int depth) {
        for (GradientMei.Result r : results) {
            double bestRandom = Double.NEGATIVE_INFINITY;
            int[] same = new int[RANDOM];
            java.util.Arrays.fill(same, r.unit());
            for (GradientMei.Result random : GradientMei.optimise(twin, same, new GradientMei.Settings(s.kind(),
                    s.frames(), s.burnIn(), 0, s.stepSize(), s.mean(), s.contrast(), s.blurSigma(), s.height(),
                    s.width(), s.perspective(), s.modulation(), s.seed() + 100))) {
                bestRandom = Math.max(bestRandom, random.response());
            }
            System.out.printf("unit %d: response %.4f from %.4f at the random start, best of %d random %.4f,"
                    + " RMS contrast %.3f%n", r.unit(), r.response(), r.start(), RANDOM, bestRandom, r.contrast());
            assertEquals(depth, r.stimulus().length);
            assertEquals(height * width, r.stimulus()[0].length);
            assertTrue(r.response() > r.start(), "unit " + r.unit() + ": " + r.start() + " -> " + r.response());
            assertTrue(r.response() > bestRandom, "unit " + r.unit() + ": " + r.response() + " <= best random "
                    + bestRandom);
            // clipping to [0, 1] only lowers the contrast; a 0.45 mean leaves room for most of 0.2
            assertTrue(r.contrast() <= s.contrast() * 1.01 && r.contrast() >= s.contrast() * 0.7,
                    "contrast " + r.contrast());
            for (float[] frame : r.stimulus()) {
                for (float v : frame) {
                    assertTrue(v >= 0 && v <= 1, "pixel " + v);
                }
            }
        }
    }

    private static double distance(GradientMei.Result a, GradientMei.Result b) {
        double sum = 0;
        int count = 0;
        for (int d = 0; d < a.stimulus().length; d++) {
            for (int k = 0; k < a.stimulus()[d].length; k++) {
                sum += Math.abs(a.stimulus()[d][k] - b.stimulus()[d][k]);
                count++;
            }
        }
        return sum / count;
    }
}
