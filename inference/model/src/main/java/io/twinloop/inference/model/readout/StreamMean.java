package io.twinloop.inference.model.readout;

import ai.djl.ndarray.NDArray;

/**
 * Averages the streams' readouts (fnn's {@code reductions.Mean} over dim 1). The readout is the log
 * rate of a {@link PoissonUnit}, so the streams are averaged in log space (a geometric mean of rates).
 */
public final class StreamMean {

    /**
     * @param readout [N, S, U, R]
     * @return [N, U, R]
     */
    public NDArray apply(NDArray readout) {
        return readout.mean(new int[] {1});
    }
}
