package io.twinloop.simulator.stimuli;

/** Measurements on frames that the domain tests compare with the domains' claims. */
final class ImageStatistics {
    private ImageStatistics() {
    }

    /**
     * Slope of log amplitude against log spatial frequency, over a Hann-windowed square crop of
     * side {@code n} at (top, left), radially averaged between frequencies {@code fromCycles} and
     * {@code toCycles} (cycles per crop).
     */
    static double amplitudeSpectrumSlope(float[] frame, int width, int top, int left, int n, int fromCycles, int toCycles) {
        double[] re = new double[n * n];
        double[] im = new double[n * n];
        double mean = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                mean += frame[(top + r) * width + left + c];
            }
        }
        mean /= n * n;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double window = hann(r, n) * hann(c, n);
                re[r * n + c] = (frame[(top + r) * width + left + c] - mean) * window;
            }
        }
        Fft.transform2d(re, im, n, n, false);
        double[] sum = new double[n];
        int[] count = new int[n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                int f = (int) Math.round(Math.hypot(Fft.signedFrequency(r, n), Fft.signedFrequency(c, n)));
                if (f < n) {
                    sum[f] += Math.hypot(re[r * n + c], im[r * n + c]);
                    count[f]++;
                }
            }
        }
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int points = 0;
        for (int f = fromCycles; f <= toCycles; f++) {
            double x = Math.log(f);
            double y = Math.log(sum[f] / count[f]);
            sx += x; sy += y; sxx += x * x; sxy += x * y;
            points++;
        }
        return (points * sxy - sx * sy) / (points * sxx - sx * sx);
    }

    private static double hann(int i, int n) {
        return 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
    }

    static double correlation(float[] a, float[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }

    /**
     * The integer displacement (dx, dy in image axes) within +-{@code reach} that best maps the
     * centre of {@code from} onto {@code to}: where the content went.
     */
    static int[] displacement(float[] from, float[] to, int width, int height, int reach) {
        double best = Double.NEGATIVE_INFINITY;
        int[] shift = new int[2];
        for (int dy = -reach; dy <= reach; dy++) {
            for (int dx = -reach; dx <= reach; dx++) {
                double score = 0;
                for (int r = reach; r < height - reach; r++) {
                    for (int c = reach; c < width - reach; c++) {
                        score += (from[r * width + c] - 0.5) * (to[(r + dy) * width + c + dx] - 0.5);
                    }
                }
                if (score > best) {
                    best = score;
                    shift[0] = dx;
                    shift[1] = dy;
                }
            }
        }
        return shift;
    }

    /** Difference of two angles in degrees, folded into [0, 180]. */
    static double angleDifferenceDeg(double a, double b) {
        double d = Math.abs(((a - b) % 360 + 360) % 360);
        return Math.min(d, 360 - d);
    }
}
