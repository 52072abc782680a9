package io.twinloop.ops.validation;

/**
 * Scores a twin's predictions against recorded responses per neuron: CC_max, CC_abs, CC_norm (Wang et al. 2025,
 * after {@code fnn.evaluate}) and the Sensorium single-trial and to-average correlations. The first
 * {@code burnInFrames} frames of every clip are left out of every score, as the twin needs them to settle.
 */
public final class NeuronScorer {

    private final int burnInFrames;

    public NeuronScorer(int burnInFrames) {
        if (burnInFrames < 0) {
            throw new IllegalArgumentException("burn-in must be >= 0, got " + burnInFrames);
        }
        this.burnInFrames = burnInFrames;
    }

    public NeuronScores score(RepeatedTrials trials) {
        int units = trials.units();
        double[] ccMax = new double[units];
        double[] ccAbs = new double[units];
        double[] ccNorm = new double[units];
        double[] singleTrial = new double[units];
        for (int u = 0; u < units; u++) {
            double[][] recorded = trials.responsesOf(u, burnInFrames);
            double[][] predicted = trials.predictionsOf(u, burnInFrames);
            ccMax[u] = NoiseCeiling.ccMax(recorded);
            ccAbs[u] = Pearson.correlation(repeatMean(predicted), repeatMean(recorded));
            ccNorm[u] = ccAbs[u] / ccMax[u];
            singleTrial[u] = Pearson.correlation(flatten(predicted), flatten(recorded));
        }
        return new NeuronScores(ccMax, ccAbs, ccNorm, singleTrial, ccAbs.clone());
    }

    private static double[] repeatMean(double[][] repeats) {
        double[] mean = new double[repeats[0].length];
        double[] column = new double[repeats.length];
        for (int s = 0; s < mean.length; s++) {
            for (int r = 0; r < repeats.length; r++) {
                column[r] = repeats[r][s];
            }
            mean[s] = Moments.mean(column);
        }
        return mean;
    }

    private static double[] flatten(double[][] rows) {
        int samples = rows[0].length;
        double[] out = new double[rows.length * samples];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, out, r * samples, samples);
        }
        return out;
    }
}
