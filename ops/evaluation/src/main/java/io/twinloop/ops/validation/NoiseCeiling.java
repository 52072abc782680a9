package io.twinloop.ops.validation;

/**
 * CC_max, the upper bound of the correlation any model can reach given the trial-to-trial variability
 * (Schoppe et al. 2016), computed as {@code fnn.evaluate.compute_cc_max_unit} does, including its handling of
 * uneven repeats: missing repeats are NaN, the effective repeat count {@code n} is pooled over samples, and the
 * total power {@code TP} is the variance over time of each repeat row, averaged over the rows.
 */
public final class NoiseCeiling {

    private NoiseCeiling() {
    }

    /**
     * @param repeats [repeat][sample] responses of one unit, clips concatenated in time, NaN where a repeat is
     *                missing; samples that no repeat covers are ignored
     * @return CC_max, NaN where the signal power estimate is negative or undefined
     */
    public static double ccMax(double[][] repeats) {
        int samples = repeats[0].length;
        double repeatSum = 0;
        double pooledWeight = 0;
        int coveredSamples = 0;
        double[] mean = new double[samples];
        for (int s = 0; s < samples; s++) {
            int present = 0;
            double sum = 0;
            for (double[] row : repeats) {
                if (!Double.isNaN(row[s])) {
                    present++;
                    sum += row[s];
                }
            }
            if (present == 0) {
                mean[s] = Double.NaN;
                continue;
            }
            coveredSamples++;
            repeatSum += present;
            pooledWeight += (present - 1.0) / ((double) present * present);
            mean[s] = sum / present;
        }
        double n = Math.sqrt((repeatSum - coveredSamples) / pooledWeight);
        double signalAndNoise = Moments.variance(mean, 1);
        double totalPower = meanOfRowVariances(repeats);
        double signalPower = (n * signalAndNoise - totalPower) / (n - 1);
        return Math.sqrt(signalPower / Moments.variance(mean, 0));
    }

    private static double meanOfRowVariances(double[][] repeats) {
        double sum = 0;
        int rows = 0;
        for (double[] row : repeats) {
            double v = Moments.variance(row, 1);
            if (!Double.isNaN(v)) {
                sum += v;
                rows++;
            }
        }
        return rows == 0 ? Double.NaN : sum / rows;
    }
}
