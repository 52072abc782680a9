package io.twinloop.inference.training;

import ai.djl.ndarray.NDManager;

/** The hyperparameters of an optimiser other than the learning rate, which the schedule sets per epoch. */
public sealed interface OptimiserSettings permits NesterovSgd.Settings, Adam.Settings {

    /** @param manager holds the optimiser's state for its life */
    Optimiser create(NDManager manager);

    /** @return the optimiser and its settings in words, e.g. {@code Adam (betas 0.9, 0.999; eps 1e-08; decay 0)} */
    String describe();
}
