package io.twinloop.simulator.stimuli;

/** In-place radix-2 complex FFT, 1-D and 2-D; enough to shape noise spectra without a dependency. */
public final class Fft {
    private Fft() {
    }

    /** Forward ({@code inverse = false}) or unnormalised inverse transform of (re, im), length a power of two. */
    public static void transform(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        if (Integer.bitCount(n) != 1 || im.length != n) {
            throw new IllegalArgumentException("length must be a power of two, got " + n);
        }
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i]; re[i] = re[j]; re[j] = t;
                t = im[i]; im[i] = im[j]; im[j] = t;
            }
        }
        double sign = inverse ? 1 : -1;
        for (int len = 2; len <= n; len <<= 1) {
            double angle = sign * 2 * Math.PI / len;
            double wRe = Math.cos(angle);
            double wIm = Math.sin(angle);
            int half = len >> 1;
            for (int start = 0; start < n; start += len) {
                double uRe = 1;
                double uIm = 0;
                for (int k = 0; k < half; k++) {
                    int a = start + k;
                    int b = a + half;
                    double tRe = re[b] * uRe - im[b] * uIm;
                    double tIm = re[b] * uIm + im[b] * uRe;
                    re[b] = re[a] - tRe;
                    im[b] = im[a] - tIm;
                    re[a] += tRe;
                    im[a] += tIm;
                    double next = uRe * wRe - uIm * wIm;
                    uIm = uRe * wIm + uIm * wRe;
                    uRe = next;
                }
            }
        }
    }

    /** 2-D transform of row-major [rows, cols] arrays, both powers of two. */
    public static void transform2d(double[] re, double[] im, int rows, int cols, boolean inverse) {
        double[] rowRe = new double[cols];
        double[] rowIm = new double[cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(re, r * cols, rowRe, 0, cols);
            System.arraycopy(im, r * cols, rowIm, 0, cols);
            transform(rowRe, rowIm, inverse);
            System.arraycopy(rowRe, 0, re, r * cols, cols);
            System.arraycopy(rowIm, 0, im, r * cols, cols);
        }
        double[] colRe = new double[rows];
        double[] colIm = new double[rows];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                colRe[r] = re[r * cols + c];
                colIm[r] = im[r * cols + c];
            }
            transform(colRe, colIm, inverse);
            for (int r = 0; r < rows; r++) {
                re[r * cols + c] = colRe[r];
                im[r * cols + c] = colIm[r];
            }
        }
    }

    /** Signed frequency (cycles per length) of FFT bin {@code k} of {@code n}. */
    public static int signedFrequency(int k, int n) {
        return k <= n / 2 ? k : k - n;
    }
}
