package io.twinloop.simulator.stimuli;

import java.util.SplittableRandom;

/**
 * Periodic noise with a 1/f amplitude spectrum (the statistics of natural scenes), optionally
 * biased towards one orientation. Built by shaping white noise in the Fourier domain, so the
 * texture wraps seamlessly and can drift forever.
 */
public final class PinkNoise {
    private PinkNoise() {
    }

    /** Isotropic 1/f noise, {@code size} x {@code size} (a power of two). */
    public static PeriodicTexture isotropic(int size, SplittableRandom random) {
        return filtered(size, random, Double.NaN, 0);
    }

    /**
     * 1/f noise whose energy is concentrated on wave vectors along {@code directionRad} (math
     * convention, y up): its stripes lie perpendicular to that direction, so drifting it along the
     * direction gives a clear motion signal. {@code concentration} 0 is isotropic; ~4 is strongly
     * oriented.
     */
    public static PeriodicTexture oriented(int size, SplittableRandom random, double directionRad, double concentration) {
        return filtered(size, random, directionRad, concentration);
    }

    private static PeriodicTexture filtered(int size, SplittableRandom random, double directionRad, double concentration) {
        int n = size * size;
        double[] re = new double[n];
        double[] im = new double[n];
        boolean oriented = concentration > 0 && !Double.isNaN(directionRad);
        // Wave vector in image coordinates (rows grow downwards), hence the minus on the row axis.
        double ux = Math.cos(directionRad);
        double uy = -Math.sin(directionRad);
        // White noise is drawn straight in the Fourier domain (complex Gaussian per bin) and shaped
        // there; the real part of its inverse transform is a real Gaussian field with that spectrum
        // (the gain is symmetric in f), which saves the forward transform.
        for (int r = 0; r < size; r++) {
            int fy = Fft.signedFrequency(r, size);
            for (int c = 0; c < size; c++) {
                int fx = Fft.signedFrequency(c, size);
                double f = Math.sqrt(fx * fx + fy * fy);
                double gain = f == 0 ? 0 : 1 / f;
                if (oriented && f > 0) {
                    double cos = (fx * ux + fy * uy) / f;
                    gain *= Math.exp(concentration * (cos * cos - 1));
                }
                re[r * size + c] = gain * random.nextGaussian();
                im[r * size + c] = gain * random.nextGaussian();
            }
        }
        Fft.transform2d(re, im, size, size, true);
        return new PeriodicTexture(size, standardise(re));
    }

    private static float[] standardise(double[] values) {
        double sum = 0;
        double sumSq = 0;
        for (double v : values) {
            sum += v;
            sumSq += v * v;
        }
        double mean = sum / values.length;
        double std = Math.sqrt(Math.max(sumSq / values.length - mean * mean, 1e-30));
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) ((values[i] - mean) / std);
        }
        return out;
    }
}
