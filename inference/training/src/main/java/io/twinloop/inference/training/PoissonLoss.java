package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;

/**
 * fnn's Poisson unit loss ({@code fnn/model/units.py: Poisson.loss}): for log rate r and recorded
 * response y, {@code exp(r) - r * y}, the Poisson negative log-likelihood without the
 * {@code log(y!)} term, which does not depend on the model. Working on the log rate avoids the
 * {@code log(rate + eps)} that a rate-based form would need.
 */
public final class PoissonLoss {

    private PoissonLoss() {
    }

    /**
     * @param logRate [N, U] the model's log rate (fnn's raw readout, before exp)
     * @param target  [N, U] recorded responses
     * @return [N, U] the loss per session and unit
     */
    public static NDArray perUnit(NDArray logRate, NDArray target) {
        return logRate.exp().sub(logRate.mul(target));
    }
}
