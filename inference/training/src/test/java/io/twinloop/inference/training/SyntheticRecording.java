package io.twinloop.inference.training;

import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes a recording in fnn's training layout whose responses are Poisson draws from a
 * {@link RecurrentLnpModel} with known parameters, computed here in plain Java.
 */
final class SyntheticRecording {

    static final int HEIGHT = 4;
    static final int WIDTH = 4;
    static final int PIXELS = HEIGHT * WIDTH;
    static final int FEATURES = 3;
    static final int UNITS = 6;
    static final int MODULATIONS = 2;
    static final int PERSPECTIVES = 2;

    private SyntheticRecording() {
    }

    /** @return the true parameters, fnn keys to values */
    static Map<String, float[]> trueParameters() {
        Random r = new Random(7);
        Map<String, float[]> p = new HashMap<>();
        p.put("core.weight", gaussian(r, FEATURES * PIXELS, 0.25));
        p.put("core.leak", new float[] {0.5f, 0.3f, 0.7f});
        p.put("modulation.weight", gaussian(r, UNITS * MODULATIONS, 0.4));
        p.put("readout.weight", gaussian(r, UNITS * FEATURES, 0.4));
        p.put("readout.bias", new float[] {0.2f, -0.3f, 0.5f, 0.0f, 0.8f, -0.6f});
        return p;
    }

    /** @return parameters a fit starts from: small random values, seeded */
    static Map<String, float[]> initialParameters(long seed) {
        Random r = new Random(seed);
        Map<String, float[]> p = new HashMap<>();
        p.put("core.weight", gaussian(r, FEATURES * PIXELS, 0.05));
        p.put("core.leak", new float[] {0.2f, 0.2f, 0.2f});
        p.put("modulation.weight", gaussian(r, UNITS * MODULATIONS, 0.05));
        p.put("readout.weight", gaussian(r, UNITS * FEATURES, 0.05));
        p.put("readout.bias", new float[UNITS]);
        return p;
    }

    /**
     * Writes {@code trainingTrials + validationTrials} trials of {@code frames} frames under {@code root}.
     */
    static void write(Path root, int trainingTrials, int validationTrials, int frames, long seed) throws IOException {
        Map<String, float[]> truth = trueParameters();
        Random r = new Random(seed);
        for (int trial = 0; trial < trainingTrials + validationTrials; trial++) {
            String id = String.format("trial%03d", trial);
            byte[] stimuli = new byte[frames * PIXELS];
            r.nextBytes(stimuli);
            float[] perspectives = gaussian(r, frames * PERSPECTIVES, 1.0);
            float[] modulations = gaussian(r, frames * MODULATIONS, 1.0);
            float[] units = new float[frames * UNITS];
            double[] state = new double[FEATURES];
            for (int t = 0; t < frames; t++) {
                for (int k = 0; k < FEATURES; k++) {
                    double drive = 0;
                    for (int d = 0; d < PIXELS; d++) {
                        drive += truth.get("core.weight")[k * PIXELS + d] * ((stimuli[t * PIXELS + d] & 0xff) / 255.0);
                    }
                    state[k] = (t == 0 ? 0 : truth.get("core.leak")[k] * state[k]) + drive;
                }
                for (int u = 0; u < UNITS; u++) {
                    double logRate = truth.get("readout.bias")[u];
                    for (int k = 0; k < FEATURES; k++) {
                        logRate += truth.get("readout.weight")[u * FEATURES + k] * state[k];
                    }
                    for (int m = 0; m < MODULATIONS; m++) {
                        logRate += truth.get("modulation.weight")[u * MODULATIONS + m] * modulations[t * MODULATIONS + m];
                    }
                    units[t * UNITS + u] = poisson(r, Math.exp(logRate));
                }
            }
            Npy.write(root.resolve("stimuli").resolve(id + ".npy"), NpyArray.ofBytes(stimuli, frames, HEIGHT, WIDTH));
            Npy.write(root.resolve("perspectives").resolve(id + ".npy"), NpyArray.ofFloats(perspectives, frames, PERSPECTIVES));
            Npy.write(root.resolve("modulations").resolve(id + ".npy"), NpyArray.ofFloats(modulations, frames, MODULATIONS));
            Npy.write(root.resolve("units").resolve(id + ".npy"), NpyArray.ofFloats(units, frames, UNITS));
            boolean training = trial < trainingTrials;
            Npy.write(root.resolve("training").resolve(id + ".npy"), NpyArray.ofBytes(new byte[] {(byte) (training ? 1 : 0)}));
        }
    }

    static float[] gaussian(Random r, int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (r.nextGaussian() * std);
        }
        return out;
    }

    /** Knuth's method; rates here are small */
    private static int poisson(Random r, double rate) {
        double limit = Math.exp(-rate);
        double product = r.nextDouble();
        int k = 0;
        while (product > limit) {
            product *= r.nextDouble();
            k++;
        }
        return k;
    }
}
