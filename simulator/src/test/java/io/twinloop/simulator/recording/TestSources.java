package io.twinloop.simulator.recording;

import java.util.Random;

/** Simple stand-ins for the stimulus domains and behaviour generators, enough to exercise the recorder. */
final class TestSources {

    static final int HEIGHT = 144;
    static final int WIDTH = 256;

    private TestSources() {
    }

    /** A grating whose direction and speed depend on domain and clip only, plus clip-seeded pixel noise. */
    static ClipSource gratings() {
        return (domain, clip, frame, out) -> {
            double direction = Math.toRadians((clip * 37 + domain.length() * 11) % 360);
            double phase = 2 * Math.PI * 2.0 * frame / 30.0;
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    double along = x * Math.cos(direction) + y * Math.sin(direction);
                    double value = 0.5 + 0.4 * Math.cos(2 * Math.PI * 0.025 * along - phase)
                            + 0.1 * pixelNoise(clip, frame, y * WIDTH + x);
                    out[y * WIDTH + x] = (byte) Math.max(0, Math.min(255, Math.round(value * 255)));
                }
            }
        };
    }

    /** Cheap deterministic noise in [-1, 1) from a hash of clip, frame and pixel (no Random per pixel). */
    private static double pixelNoise(long clip, int frame, int pixel) {
        long h = clip * 0x9E3779B97F4A7C15L + frame * 0xC2B2AE3D27D4EB4FL + pixel * 0x165667B19E3779F9L;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (h >>> 11) * 0x1.0p-52 - 1;
    }

    /** Eye tracking at 20 Hz and treadmill at 100 Hz: slow random walks. */
    static BehaviourSource walks() {
        return (seed, seconds) -> {
            Random random = new Random(seed);
            int eyeSamples = (int) Math.ceil(seconds * 20) + 1;
            double[][] eye = new double[eyeSamples][];
            double x = 30;
            double y = 20;
            double r = 8;
            for (int i = 0; i < eyeSamples; i++) {
                x += 0.2 * random.nextGaussian();
                y += 0.2 * random.nextGaussian();
                r = Math.max(3, r + 0.1 * random.nextGaussian());
                eye[i] = new double[] {i / 20.0, x, y, r};
            }
            int treadmillSamples = (int) Math.ceil(seconds * 100) + 1;
            double[][] treadmill = new double[treadmillSamples][];
            double v = random.nextDouble() * 20;
            for (int i = 0; i < treadmillSamples; i++) {
                v = Math.max(0, v + random.nextGaussian());
                treadmill[i] = new double[] {i / 100.0, v};
            }
            return new TrialBehaviour(eye, treadmill);
        };
    }
}
