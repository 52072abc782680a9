package io.twinloop.ops.validation;

import java.util.Arrays;

/** NaN-skipping mean, variance and median in double (numpy's nanmean / nanvar / nanmedian). */
public final class Moments {

    private Moments() {
    }

    public static double mean(double[] values) {
        double sum = 0;
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** @return the variance with {@code ddof} delta degrees of freedom, NaN if not enough values */
    public static double variance(double[] values, int ddof) {
        double mean = mean(values);
        double squares = 0;
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                squares += (v - mean) * (v - mean);
                n++;
            }
        }
        return n - ddof <= 0 ? Double.NaN : squares / (n - ddof);
    }

    public static double median(double[] values) {
        double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (present.length == 0) {
            return Double.NaN;
        }
        int mid = present.length / 2;
        return present.length % 2 == 1 ? present[mid] : (present[mid - 1] + present[mid]) / 2;
    }
}
