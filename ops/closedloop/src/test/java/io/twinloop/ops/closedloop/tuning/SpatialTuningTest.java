package io.twinloop.ops.closedloop.tuning;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpatialTuningTest {

    private static final int ROWS = 17;
    private static final int COLUMNS = 29;

    private static double[] xs() {
        double[] x = new double[COLUMNS];
        for (int j = 0; j < COLUMNS; j++) {
            x[j] = (j + 0.5) / COLUMNS;
        }
        return x;
    }

    private static double[] ys() {
        double[] y = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            y[i] = (i + 0.5) / ROWS * 144.0 / 256.0;
        }
        return y;
    }

    private static int[] positions() {
        int[] p = new int[ROWS * COLUMNS];
        for (int k = 0; k < p.length; k++) {
            p[k] = k;
        }
        return p;
    }

    /** An elongated, tilted Gaussian centred between grid points, on a baseline. */
    private static double[] gaussian(double cx, double cy, double sx, double sy, double rho) {
        double[] x = xs();
        double[] y = ys();
        double[] map = new double[ROWS * COLUMNS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLUMNS; j++) {
                double u = (x[j] - cx) / sx;
                double v = (y[i] - cy) / sy;
                map[i * COLUMNS + j] = 0.1 + 2 * Math.exp(-(u * u - 2 * rho * u * v + v * v) / (2 * (1 - rho * rho)));
            }
        }
        return map;
    }

    @Test
    void gaussianFitFindsAKnownCentre() {
        SpatialTuning spatial = new SpatialTuning(xs(), ys());
        double[] fit = spatial.fitGaussian(gaussian(0.4123, 0.2345, 0.06, 0.04, 0.3));
        assertEquals(0.4123, fit[0], 1e-6);
        assertEquals(0.2345, fit[1], 1e-6);
        assertEquals(0.06, fit[2], 1e-6);
        assertEquals(0.04, fit[3], 1e-6);
    }

    @Test
    void ssiIsMinusLogDeterminantOfTheCovariance() {
        SpatialTuning spatial = new SpatialTuning(xs(), ys());
        // no baseline: the positive part is the Gaussian itself; grid steps (0.034) well below sigma keep the
        // sampled covariance within 1% of sigma^2 as long as the Gaussian stays inside the screen
        double[] map = gaussian(0.5, 0.28, 0.07, 0.05, 0);
        for (int p = 0; p < map.length; p++) {
            map[p] -= 0.1;
        }
        assertEquals(-Math.log(0.07 * 0.07 * 0.05 * 0.05), spatial.ssi(map), 0.05);
        // a wider field is less selective
        double[] wide = gaussian(0.5, 0.28, 0.14, 0.10, 0);
        for (int p = 0; p < wide.length; p++) {
            wide[p] -= 0.1;
        }
        assertTrue(spatial.ssi(wide) < spatial.ssi(map) - 2);
    }

    @Test
    void shuffleTestSeparatesAReceptiveFieldFromNoise() {
        SpatialTuning spatial = new SpatialTuning(xs(), ys());
        SplittableRandom random = new SplittableRandom(1);
        double[] field = gaussian(0.3, 0.3, 0.05, 0.05, 0);
        double[] noise = new double[field.length];
        for (int p = 0; p < field.length; p++) {
            field[p] += 0.2 * random.nextGaussian();
            noise[p] = 0.1 + 0.2 * random.nextGaussian();
        }
        SpatialTuning.Result tuned = spatial.analyse(field, positions(), 200, 3);
        SpatialTuning.Result untuned = spatial.analyse(noise, positions(), 200, 3);
        assertTrue(tuned.tuned(), "z = " + tuned.z());
        assertEquals(0.3, tuned.centreX(), 0.01);
        assertFalse(untuned.tuned(), "z = " + untuned.z());
        assertTrue(untuned.z() < 3, "z = " + untuned.z());
    }
}
