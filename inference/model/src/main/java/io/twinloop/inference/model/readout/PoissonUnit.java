package io.twinloop.inference.model.readout;

import ai.djl.ndarray.NDArray;

/** A unit with Poisson-distributed activity (fnn's {@code units.Poisson}): one readout, the log rate. */
public final class PoissonUnit {

    /** readouts per unit R */
    public static final int READOUTS = 1;

    /**
     * @param readout [N, U, 1] log rate
     * @return [N, U] rate
     */
    public NDArray response(NDArray readout) {
        return readout.squeeze(2).exp();
    }
}
