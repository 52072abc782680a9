package io.twinloop.ops.closedloop.mei;

import java.util.ArrayList;
import java.util.List;

/**
 * The MEI search space: an image of band-limited Fourier components drifting at one velocity,
 * {@code c(x, y, t) = sum_k a_k cos(2 pi f_k . (p - v t)) + b_k sin(2 pi f_k . (p - v t))}, shown at a fixed RMS
 * contrast around mean gray. Wave vectors f_k = (m / W, n / H) cycles per pixel on the screen's periodic grid,
 * one of each +-f pair, 0 < |f_k| <= {@code maxCyclesPerPixel}. Parameters: a (K), b (K), then the velocity
 * {@code v = maxSpeed * tanh(z)} (2, pixels per frame, x right, y down): dimension 2K + 2. A static image is the
 * special case v = 0; a drifting grating is one component.
 *
 * <p>The image is synthesised on a grid 4 times coarser (separably: per row frequency, then per row), then
 * bilinearly upsampled to the screen: the band limit (<= 0.05 cpp) is far below the coarse grid's Nyquist
 * frequency (0.125 cpp), so nothing of the basis is lost.
 */
public final class DriftingFourierBasis {

    private static final int COARSE = 4;

    private final int height;
    private final int width;
    private final int coarseHeight;
    private final int coarseWidth;
    private final double maxSpeed;
    private final int[] m;
    private final int[] n;
    private final int maxN;
    /** [k][coarse x] cos and sin of 2 pi m_k x / W, and [n][coarse y] of 2 pi n y / H. */
    private final double[][] cosX;
    private final double[][] sinX;
    private final double[][] cosY;
    private final double[][] sinY;
    private final int[] rowA;
    private final int[] rowB;
    private final float[] rowWeight;
    private final int[] columnA;
    private final int[] columnB;
    private final float[] columnWeight;

    public DriftingFourierBasis(int height, int width, double maxCyclesPerPixel, double maxSpeed) {
        if (height % COARSE != 0 || width % COARSE != 0) {
            throw new IllegalArgumentException("screen must be divisible by " + COARSE);
        }
        this.height = height;
        this.width = width;
        this.coarseHeight = height / COARSE;
        this.coarseWidth = width / COARSE;
        this.maxSpeed = maxSpeed;
        List<int[]> vectors = new ArrayList<>();
        int mMax = (int) Math.floor(maxCyclesPerPixel * width);
        int nMax = (int) Math.floor(maxCyclesPerPixel * height);
        for (int ny = 0; ny <= nMax; ny++) {
            for (int mx = -mMax; mx <= mMax; mx++) {
                if (ny == 0 && mx <= 0) {
                    continue;
                }
                double fx = (double) mx / width;
                double fy = (double) ny / height;
                if (Math.hypot(fx, fy) <= maxCyclesPerPixel) {
                    vectors.add(new int[] {mx, ny});
                }
            }
        }
        int k = vectors.size();
        this.m = new int[k];
        this.n = new int[k];
        int top = 0;
        for (int i = 0; i < k; i++) {
            m[i] = vectors.get(i)[0];
            n[i] = vectors.get(i)[1];
            top = Math.max(top, n[i]);
        }
        this.maxN = top;
        cosX = new double[k][coarseWidth];
        sinX = new double[k][coarseWidth];
        for (int i = 0; i < k; i++) {
            for (int x = 0; x < coarseWidth; x++) {
                double px = (x + 0.5) * COARSE;
                cosX[i][x] = Math.cos(2 * Math.PI * m[i] * px / width);
                sinX[i][x] = Math.sin(2 * Math.PI * m[i] * px / width);
            }
        }
        rowA = new int[height];
        rowB = new int[height];
        rowWeight = new float[height];
        columnA = new int[width];
        columnB = new int[width];
        columnWeight = new float[width];
        interpolation(height, coarseHeight, rowA, rowB, rowWeight);
        interpolation(width, coarseWidth, columnA, columnB, columnWeight);
        cosY = new double[maxN + 1][coarseHeight];
        sinY = new double[maxN + 1][coarseHeight];
        for (int ny = 0; ny <= maxN; ny++) {
            for (int y = 0; y < coarseHeight; y++) {
                double py = (y + 0.5) * COARSE;
                cosY[ny][y] = Math.cos(2 * Math.PI * ny * py / height);
                sinY[ny][y] = Math.sin(2 * Math.PI * ny * py / height);
            }
        }
    }

    /** @return the number of wave vectors K */
    public int components() {
        return m.length;
    }

    /** @return 2K + 2 */
    public int dimension() {
        return 2 * m.length + 2;
    }

    /** @return the velocity {vx, vy} in pixels per frame that the parameters encode */
    public double[] velocity(double[] z) {
        int k = m.length;
        return new double[] {maxSpeed * Math.tanh(z[2 * k]), maxSpeed * Math.tanh(z[2 * k + 1])};
    }

    /**
     * @param z           parameters, {@link #dimension()}
     * @param frames      clip length
     * @param rmsContrast the clip's RMS contrast after clipping to [0, 1] (see {@link Contrast})
     * @return [frames][height * width] luminance
     */
    public float[][] render(double[] z, int frames, double rmsContrast) {
        int k = m.length;
        double[] v = velocity(z);
        float[][] contrast = new float[frames][];
        double[] re = new double[(maxN + 1) * coarseWidth];
        double[] im = new double[(maxN + 1) * coarseWidth];
        float[] coarse = new float[coarseHeight * coarseWidth];
        for (int t = 0; t < frames; t++) {
            java.util.Arrays.fill(re, 0);
            java.util.Arrays.fill(im, 0);
            for (int i = 0; i < k; i++) {
                // a cos(phi) + b sin(phi) = Re((a - i b) e^{i phi}); drift: phi -= 2 pi f . v t
                double shift = -2 * Math.PI * ((double) m[i] / width * v[0] + (double) n[i] / height * v[1]) * t;
                double cs = Math.cos(shift);
                double sn = Math.sin(shift);
                double cr = z[i] * cs + z[k + i] * sn;
                double ci = z[i] * sn - z[k + i] * cs;
                int row = n[i] * coarseWidth;
                for (int x = 0; x < coarseWidth; x++) {
                    re[row + x] += cr * cosX[i][x] - ci * sinX[i][x];
                    im[row + x] += cr * sinX[i][x] + ci * cosX[i][x];
                }
            }
            for (int y = 0; y < coarseHeight; y++) {
                for (int x = 0; x < coarseWidth; x++) {
                    double sum = 0;
                    for (int ny = 0; ny <= maxN; ny++) {
                        sum += re[ny * coarseWidth + x] * cosY[ny][y] - im[ny * coarseWidth + x] * sinY[ny][y];
                    }
                    coarse[y * coarseWidth + x] = (float) sum;
                }
            }
            contrast[t] = upsample(coarse);
        }
        return Contrast.toLuminance(contrast, rmsContrast);
    }

    /** Bilinear, coarse pixel centres at (i + 0.5) * 4; edges held. Indices and weights are the same every frame. */
    private float[] upsample(float[] coarse) {
        float[] out = new float[height * width];
        for (int y = 0; y < height; y++) {
            int ya = rowA[y] * coarseWidth;
            int yb = rowB[y] * coarseWidth;
            float fy = rowWeight[y];
            for (int x = 0; x < width; x++) {
                int xa = columnA[x];
                int xb = columnB[x];
                float fx = columnWeight[x];
                float top = coarse[ya + xa] + fx * (coarse[ya + xb] - coarse[ya + xa]);
                float bottom = coarse[yb + xa] + fx * (coarse[yb + xb] - coarse[yb + xa]);
                out[y * width + x] = top + fy * (bottom - top);
            }
        }
        return out;
    }

    private static void interpolation(int size, int coarseSize, int[] a, int[] b, float[] weight) {
        for (int i = 0; i < size; i++) {
            double c = (i + 0.5) / COARSE - 0.5;
            int i0 = (int) Math.floor(c);
            weight[i] = (float) (c - i0);
            a[i] = Math.max(0, i0);
            b[i] = Math.min(coarseSize - 1, i0 + 1);
        }
    }
}
