package io.twinloop.simulator.mouse;

import java.util.List;

/**
 * Every neuron's quadrature pair of Gabor filters on the filter grid, cropped to 2.5 sigma so that thousands of
 * neurons cost about a million multiply-adds per frame. Each filter is zero-mean (no response to uniform
 * luminance) and scaled so that a full-contrast grating at the neuron's preferred frequency, orientation and
 * phase gives 0.5.
 */
public final class ReceptiveFieldBank {

    private final int width;
    private final int[] left;
    private final int[] top;
    private final int[] cols;
    private final int[] rows;
    private final int[] offset;
    private final float[] even;
    private final float[] odd;

    public ReceptiveFieldBank(MouseConfig config, List<NeuronTuning> neurons) {
        this.width = config.retinaWidth();
        int height = config.retinaHeight();
        int n = neurons.size();
        left = new int[n];
        top = new int[n];
        cols = new int[n];
        rows = new int[n];
        offset = new int[n];
        double ds = config.filterDownsample();
        int total = 0;
        for (int i = 0; i < n; i++) {
            NeuronTuning t = neurons.get(i);
            double cx = centreOnGrid(t.centreX(), ds);
            double cy = centreOnGrid(t.centreY(), ds);
            double radius = 2.5 * t.sigma() / ds;
            left[i] = clamp((int) Math.floor(cx - radius), width);
            top[i] = clamp((int) Math.floor(cy - radius), height);
            cols[i] = clamp((int) Math.ceil(cx + radius), width) - left[i] + 1;
            rows[i] = clamp((int) Math.ceil(cy + radius), height) - top[i] + 1;
            offset[i] = total;
            total += rows[i] * cols[i];
        }
        even = new float[total];
        odd = new float[total];
        for (int i = 0; i < n; i++) {
            fill(i, neurons.get(i), ds);
        }
    }

    /** Filter-grid coordinate of a screen coordinate: pixel centres of the box average sit at (k + 0.5) * ds. */
    private static double centreOnGrid(double screen, double ds) {
        return screen / ds - 0.5;
    }

    private static int clamp(int value, int size) {
        return Math.max(0, Math.min(size - 1, value));
    }

    private void fill(int i, NeuronTuning t, double ds) {
        double cx = centreOnGrid(t.centreX(), ds);
        double cy = centreOnGrid(t.centreY(), ds);
        double sigma = t.sigma() / ds;
        double k = 2 * Math.PI * t.spatialFrequency() * ds;
        double theta = Math.toRadians(t.directionDegrees());
        double dx = Math.cos(theta);
        // Screen rows grow downwards; directions follow the stimuli's convention (90 degrees = upwards).
        double dy = -Math.sin(theta);
        int size = rows[i] * cols[i];
        double[] envelope = new double[size];
        double[] carrier = new double[size];
        for (int r = 0; r < rows[i]; r++) {
            for (int c = 0; c < cols[i]; c++) {
                double x = left[i] + c - cx;
                double y = top[i] + r - cy;
                envelope[r * cols[i] + c] = Math.exp(-(x * x + y * y) / (2 * sigma * sigma));
                carrier[r * cols[i] + c] = k * (x * dx + y * dy);
            }
        }
        store(i, envelope, carrier, true);
        store(i, envelope, carrier, false);
    }

    private void store(int i, double[] envelope, double[] carrier, boolean cosine) {
        int size = envelope.length;
        double[] filter = new double[size];
        double mean = 0;
        for (int p = 0; p < size; p++) {
            filter[p] = envelope[p] * (cosine ? Math.cos(carrier[p]) : Math.sin(carrier[p]));
            mean += filter[p];
        }
        mean /= size;
        double envelopeMean = envelopeMean(envelope);
        double envelopeSum = 0;
        double matched = 0;
        for (int p = 0; p < size; p++) {
            filter[p] -= mean * envelope[p] / envelopeMean;
            double wave = cosine ? Math.cos(carrier[p]) : Math.sin(carrier[p]);
            matched += filter[p] * wave;
            envelopeSum += envelope[p];
        }
        // A grating of contrast amplitude 0.5 matching the filter then projects to 0.5.
        double scale = matched > 1e-9 * envelopeSum ? 1 / matched : 0;
        float[] target = cosine ? even : odd;
        for (int p = 0; p < size; p++) {
            target[offset[i] + p] = (float) (filter[p] * scale);
        }
    }

    private static double envelopeMean(double[] envelope) {
        double sum = 0;
        for (double e : envelope) {
            sum += e;
        }
        return sum / envelope.length;
    }

    public int neurons() {
        return offset.length;
    }

    /**
     * @param retina  contrast image on the filter grid (see {@link RetinalImage})
     * @param evenOut per neuron, the cosine-phase filter's response
     * @param oddOut  per neuron, the sine-phase filter's response
     */
    public void project(float[] retina, double[] evenOut, double[] oddOut) {
        for (int i = 0; i < offset.length; i++) {
            double e = 0;
            double o = 0;
            int f = offset[i];
            for (int r = 0; r < rows[i]; r++) {
                int p = (top[i] + r) * width + left[i];
                for (int c = 0; c < cols[i]; c++, f++, p++) {
                    e += even[f] * retina[p];
                    o += odd[f] * retina[p];
                }
            }
            evenOut[i] = e;
            oddOut[i] = o;
        }
    }
}
