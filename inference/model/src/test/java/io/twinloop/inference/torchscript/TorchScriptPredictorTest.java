package io.twinloop.inference.torchscript;

import io.twinloop.recordings.npy.NpyArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each exporter's module, stepped by the Java side from {@code initial_state} over its fixture (rig-sized frames,
 * resized here), reproduces the rates torch 1.13 computed when it exported the module.
 */
class TorchScriptPredictorTest {

    /**
     * Absolute, or relative where rates exceed 1: float32 rounding of the same graph run by another libtorch
     * (2.7.1 here, 1.13 at export) with other kernels (oneDNN, vector widths) differs by ~1e-7 relative per
     * operation; a dozen layers and 12 recurrent steps stay far below 1e-5, and a wrong resize, a state carried
     * wrong or a stale window change rates by 1e-3 or more.
     */
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"viv1t", "shallow"})
    void reproducesTheExportersRates(String name) {
        NpyArray expected = TorchScriptFixtures.array(name, "responses");
        NpyArray actual;
        try (TorchScriptTwin twin = TorchScriptTwin.load(TorchScriptFixtures.module(name))) {
            actual = new TorchScriptPredictor(twin).predict(TorchScriptFixtures.array(name, "stimuli"),
                    TorchScriptFixtures.array(name, "perspectives"), TorchScriptFixtures.array(name, "modulations"));
        }
        assertArrayEquals(expected.shape(), actual.shape());
        float[] e = expected.asFloats();
        float[] a = actual.asFloats();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i])));
        }
        System.out.printf("%s: predict reproduces the exporter's rates within %.2e%n", name, worst);
        assertTrue(worst <= TOLERANCE, name + ": largest difference " + worst);
        // the rates move from frame to frame: the fixture can tell a frozen twin from a stepping one
        int units = (int) expected.shape()[2];
        double change = 0;
        for (int u = 0; u < units; u++) {
            change = Math.max(change, Math.abs(e[units + u] - e[u]));
        }
        assertTrue(change > 1e-3, name + ": rates of frame 1 equal those of frame 0");
    }
}
