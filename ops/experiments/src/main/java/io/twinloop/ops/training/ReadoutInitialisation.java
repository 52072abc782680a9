package io.twinloop.ops.training;

import io.twinloop.inference.training.ReadoutStart;

/** How each mouse's readout starts before training. */
public enum ReadoutInitialisation {
    /**
     * fnn's start (every position at the map's centre, feature weights zero), with each unit's bias at the log
     * of its mean response.
     */
    MEAN_RATES,
    /** positions, feature weights and biases from the training responses ({@link ReadoutStart}) */
    RESPONSES,
    /**
     * {@link #RESPONSES} on a frozen core, {@link #MEAN_RATES} otherwise: a fresh core's map does not localise
     * receptive fields, so a start from it buys nothing, and its non-zero weights pass the core large gradients
     * in the first steps
     */
    AUTO;

    /** @return the start to use for a run whose core is frozen or not */
    public ReadoutInitialisation resolve(boolean frozenCore) {
        if (this != AUTO) {
            return this;
        }
        return frozenCore ? RESPONSES : MEAN_RATES;
    }
}
