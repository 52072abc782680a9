package io.twinloop.ops.validation;

/** Pearson correlation in double, two-pass, over the pairs where both values are present (not NaN). */
public final class Pearson {

    private Pearson() {
    }

    /** @return the correlation of {@code a} and {@code b}, NaN if fewer than two pairs or a constant side */
    public static double correlation(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        double sumA = 0;
        double sumB = 0;
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
                sumA += a[i];
                sumB += b[i];
                n++;
            }
        }
        if (n < 2) {
            return Double.NaN;
        }
        double meanA = sumA / n;
        double meanB = sumB / n;
        double cov = 0;
        double varA = 0;
        double varB = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
                double da = a[i] - meanA;
                double db = b[i] - meanB;
                cov += da * db;
                varA += da * da;
                varB += db * db;
            }
        }
        return cov / Math.sqrt(varA * varB);
    }
}
