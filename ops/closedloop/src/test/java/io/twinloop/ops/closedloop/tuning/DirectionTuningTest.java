package io.twinloop.ops.closedloop.tuning;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectionTuningTest {

    /** b + a1 exp(k (cos(theta - mu) - 1)) + a2 exp(k (cos(theta - mu - pi) - 1)) at 16 directions. */
    private static double[] twoPeaks(double muDeg, double kappa, double a1, double a2, double b) {
        double[] curve = new double[16];
        for (int k = 0; k < 16; k++) {
            double d = 2 * Math.PI * k / 16 - Math.toRadians(muDeg);
            curve[k] = b + a1 * Math.exp(kappa * (Math.cos(d) - 1)) + a2 * Math.exp(kappa * (-Math.cos(d) - 1));
        }
        return curve;
    }

    @Test
    void fitRecoversAPeakBetweenSampledDirections() {
        // 100 deg lies between samples (90, 112.5): the fit must interpolate, not snap to a sample
        DirectionTuning.Fit fit = DirectionTuning.fit(twoPeaks(100, 2.5, 1.0, 0.4, 0.2));
        assertEquals(100, fit.preferredDirectionDeg(), 1e-4);
        assertEquals(100, fit.preferredOrientationDeg(), 1e-4);
        assertEquals(2.5, fit.kappa(), 1e-4);
        assertEquals(0.4, fit.nullAmplitude(), 1e-4);
    }

    @Test
    void largerPeakNamesTheDirectionWhateverTheStart() {
        DirectionTuning.Fit fit = DirectionTuning.fit(twoPeaks(300, 1.5, 0.3, 0.9, 0));
        // the larger peak is at 300 + 180 = 120; orientation 120
        assertEquals(120, fit.preferredDirectionDeg(), 1e-4);
        assertEquals(120, fit.preferredOrientationDeg(), 1e-4);
    }

    @Test
    void indicesOfKnownCurves() {
        double[] flat = new double[16];
        java.util.Arrays.fill(flat, 2);
        double[] indices = DirectionTuning.selectivity(flat);
        assertEquals(0, indices[0], 1e-12);
        assertEquals(0, indices[1], 1e-12);
        // 1 + cos(2 theta): |sum cos(2t) e^{2it}| / sum 1 = (16 / 2) / 16 = 0.5; no first component
        double[] axial = new double[16];
        // 1 + cos(theta): DSI 0.5, OSI 0
        double[] polar = new double[16];
        double[] single = new double[16];
        for (int k = 0; k < 16; k++) {
            double t = 2 * Math.PI * k / 16;
            axial[k] = 1 + Math.cos(2 * t);
            polar[k] = 1 + Math.cos(t);
        }
        single[3] = 5;
        assertEquals(0.5, DirectionTuning.selectivity(axial)[0], 1e-12);
        assertEquals(0, DirectionTuning.selectivity(axial)[1], 1e-12);
        assertEquals(0, DirectionTuning.selectivity(polar)[0], 1e-12);
        assertEquals(0.5, DirectionTuning.selectivity(polar)[1], 1e-12);
        assertEquals(1, DirectionTuning.selectivity(single)[0], 1e-12);
        assertEquals(1, DirectionTuning.selectivity(single)[1], 1e-12);
        // negative evoked responses are clipped: a curve below gray everywhere has no index
        double[] below = new double[16];
        java.util.Arrays.fill(below, -1);
        assertTrue(Double.isNaN(DirectionTuning.selectivity(below)[0]));
    }

    @Test
    void angularErrorsWrap() {
        assertEquals(10, DirectionTuning.angularError(175, 5, 180), 1e-12);
        assertEquals(20, DirectionTuning.angularError(350, 10, 360), 1e-12);
        assertEquals(90, DirectionTuning.angularError(0, 90, 180), 1e-12);
    }
}
