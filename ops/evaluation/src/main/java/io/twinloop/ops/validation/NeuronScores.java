package io.twinloop.ops.validation;

/**
 * Per-neuron scores of a twin against recorded responses, one value per unit (NaN where undefined).
 *
 * @param ccMax                  noise ceiling (Schoppe et al. 2016)
 * @param ccAbs                  correlation of the repeat-averaged prediction and the repeat-averaged response
 * @param ccNorm                 {@code ccAbs / ccMax}
 * @param singleTrialCorrelation correlation over every recorded trial, concatenated (Sensorium)
 * @param correlationToAverage   correlation to the repeat-averaged response (Sensorium); equals ccAbs
 */
public record NeuronScores(double[] ccMax, double[] ccAbs, double[] ccNorm, double[] singleTrialCorrelation,
                           double[] correlationToAverage) {

    /** The names of the scores in the order of {@link #rows()}, as fnn's evaluation and the fixture name them. */
    public static final String[] NAMES = {
        "cc_max", "cc_abs", "cc_norm", "single_trial_correlation", "correlation_to_average"};

    public int units() {
        return ccMax.length;
    }

    /** @return [score][unit] in the order of {@link #NAMES} */
    public double[][] rows() {
        return new double[][] {ccMax, ccAbs, ccNorm, singleTrialCorrelation, correlationToAverage};
    }
}
