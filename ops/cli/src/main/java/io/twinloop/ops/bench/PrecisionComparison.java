package io.twinloop.ops.bench;

import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.elements.Precision;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.inference.session.SessionStepper.FrameInput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One network stepped in fp32 and in bf16 side by side, frame by frame on the same inputs (each fp32 step followed
 * by the bf16 step of the same frame, so that both see the same machine load): how far bf16's rates are from fp32's
 * (per-unit correlation over time, relative errors, their drift over the run) and how much faster bf16 steps.
 *
 * <p>The stimulus is a drifting sinusoidal grating whose orientation, spatial frequency and contrast change every
 * 30 frames (one second at 30 Hz), plus pixel noise; pupil and running follow slow random walks: a stimulus that
 * moves the network's units over a wide range, deterministic from the seed.
 */
public final class PrecisionComparison {

    /** Changes of the grating (frames). */
    private static final int EPOCH = 30;

    /**
     * @param frames        frames stepped
     * @param units         units compared (sessions x network units)
     * @param correlation   per-unit Pearson correlation of bf16's rates with fp32's over time: median, 1st
     *                      percentile, worst
     * @param maxRelative   the largest |bf16 - fp32| / |fp32| over every unit and frame
     * @param medianRelative the median of |bf16 - fp32| / |fp32|
     * @param driftBlocks   mean |bf16 - fp32| / |fp32| over each tenth of the run, in order (drift over time)
     * @param fp32Ms        median ms per fp32 step; {@code bf16Ms} per bf16 step; {@code speedup} median of the
     *                      per-frame ratios fp32 / bf16
     */
    public record Result(int frames, int sessions, int units, double[] correlation, double maxRelative,
                         double medianRelative, double[] driftBlocks, double fp32Ms, double bf16Ms, double speedup) {
        public double medianCorrelation() {
            return correlation[0];
        }

        public double firstPercentileCorrelation() {
            return correlation[1];
        }

        public double worstCorrelation() {
            return correlation[2];
        }
    }

    private PrecisionComparison() {
    }

    /** Steps {@code sessions} sessions over {@code frames} frames of {@code height} x {@code width} in both. */
    public static Result run(Network network, int sessions, int frames, int height, int width, long seed) {
        int units = network.units();
        int columns = sessions * units;
        float[][] fp32 = new float[frames][];
        float[][] bf16 = new float[frames][];
        double[] fp32Ms = new double[frames];
        double[] bf16Ms = new double[frames];
        SplittableRandom random = new SplittableRandom(seed);
        Stimulus[] stimuli = new Stimulus[sessions];
        for (int s = 0; s < sessions; s++) {
            stimuli[s] = new Stimulus(random.split(), height, width);
        }
        try (BatchedSessionStepper a = new BatchedSessionStepper(network);
             BatchedSessionStepper b = new BatchedSessionStepper(network)) {
            List<String> ids = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                ids.add("compare-" + s);
                a.open(ids.get(s));
                b.open(ids.get(s));
            }
            for (int t = 0; t < frames; t++) {
                List<FrameInput> inputs = new ArrayList<>(sessions);
                for (int s = 0; s < sessions; s++) {
                    inputs.add(stimuli[s].next(ids.get(s), t));
                }
                long start = System.nanoTime();
                List<float[]> ya = Convolution2d.withPrecision(Precision.FP32, () -> a.step(inputs));
                long middle = System.nanoTime();
                List<float[]> yb = Convolution2d.withPrecision(Precision.BF16, () -> b.step(inputs));
                long end = System.nanoTime();
                fp32Ms[t] = (middle - start) / 1e6;
                bf16Ms[t] = (end - middle) / 1e6;
                fp32[t] = concat(ya, columns);
                bf16[t] = concat(yb, columns);
            }
        }
        return compare(fp32, bf16, sessions, fp32Ms, bf16Ms);
    }

    /** The statistics of two runs' rates, [frames][units] each. */
    static Result compare(float[][] fp32, float[][] bf16, int sessions, double[] fp32Ms, double[] bf16Ms) {
        int frames = fp32.length;
        int columns = fp32[0].length;
        double[] correlations = new double[columns];
        for (int u = 0; u < columns; u++) {
            correlations[u] = pearson(fp32, bf16, u);
        }
        Arrays.sort(correlations); // NaN (a constant unit) sorts last: counted as neither best nor worst
        int finite = 0;
        while (finite < columns && !Double.isNaN(correlations[finite])) {
            finite++;
        }
        double[] corr = finite == 0 ? new double[] {Double.NaN, Double.NaN, Double.NaN}
                : new double[] {correlations[finite / 2], correlations[(int) Math.floor(0.01 * (finite - 1))],
                    correlations[0]};
        double[] relative = new double[frames * columns];
        double max = 0;
        double[] blocks = new double[10];
        int[] blockCounts = new int[10];
        for (int t = 0; t < frames; t++) {
            int block = Math.min(9, t * 10 / frames);
            for (int u = 0; u < columns; u++) {
                double r = Math.abs(bf16[t][u] - fp32[t][u]) / Math.max(Math.abs(fp32[t][u]), 1e-12);
                relative[t * columns + u] = r;
                max = Math.max(max, r);
                blocks[block] += r;
                blockCounts[block]++;
            }
        }
        for (int k = 0; k < 10; k++) {
            blocks[k] = blockCounts[k] == 0 ? Double.NaN : blocks[k] / blockCounts[k];
        }
        double[] ratios = new double[frames];
        for (int t = 0; t < frames; t++) {
            ratios[t] = fp32Ms[t] / bf16Ms[t];
        }
        return new Result(frames, sessions, columns, corr, max, PeakShapes.median(relative), blocks,
                PeakShapes.median(fp32Ms), PeakShapes.median(bf16Ms), PeakShapes.median(ratios));
    }

    private static double pearson(float[][] x, float[][] y, int u) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int t = 0; t < n; t++) {
            mx += x[t][u];
            my += y[t][u];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int t = 0; t < n; t++) {
            double dx = x[t][u] - mx;
            double dy = y[t][u] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    private static float[] concat(List<float[]> rows, int columns) {
        float[] out = new float[columns];
        int at = 0;
        for (float[] row : rows) {
            System.arraycopy(row, 0, out, at, row.length);
            at += row.length;
        }
        return out;
    }

    /** A drifting grating with changes every {@link #EPOCH} frames, plus noise, and random-walk behaviour. */
    private static final class Stimulus {
        private final SplittableRandom random;
        private final int height;
        private final int width;
        private double angle;
        private double frequency;
        private double contrast;
        private final float[] perspective = new float[2];
        private final float[] modulation = new float[2];

        Stimulus(SplittableRandom random, int height, int width) {
            this.random = random;
            this.height = height;
            this.width = width;
        }

        FrameInput next(String id, int t) {
            if (t % EPOCH == 0) {
                angle = random.nextDouble(Math.PI);
                frequency = 0.02 + random.nextDouble(0.1); // cycles per pixel
                contrast = random.nextDouble(0.1, 0.5);
            }
            double phase = 2 * Math.PI * t / 15.0; // 2 cycles per second at 30 Hz
            double cx = Math.cos(angle) * frequency * 2 * Math.PI;
            double cy = Math.sin(angle) * frequency * 2 * Math.PI;
            float[] pixels = new float[height * width];
            for (int i = 0; i < height; i++) {
                for (int j = 0; j < width; j++) {
                    double v = 0.5 + contrast * Math.sin(cx * j + cy * i - phase) + 0.05 * random.nextGaussian();
                    pixels[i * width + j] = (float) Math.min(1, Math.max(0, v));
                }
            }
            for (int k = 0; k < 2; k++) {
                perspective[k] = (float) (0.95 * perspective[k] + 0.2 * random.nextGaussian());
                modulation[k] = (float) (0.95 * modulation[k] + 0.2 * random.nextGaussian());
            }
            return new FrameInput(id, pixels, height, width, perspective.clone(), modulation.clone());
        }
    }
}
