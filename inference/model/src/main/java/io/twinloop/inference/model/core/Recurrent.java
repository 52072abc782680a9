package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.NetworkState;

import java.util.List;

/** fnn's {@code recurrents.Recurrent}: the recurrent part of the core. */
public interface Recurrent {

    /** @return output channels per stream */
    int channels();

    /**
     * @param x      inputs [[N, S*I_i, H_i, W_i], ...] (stream null) or per stream; the first sets the
     *               spatial size, later ones may be 1 x 1 (broadcast)
     * @param stream one stream, or null for all
     * @param state  reads and writes {@code <path>.h}, {@code <path>.c}
     * @return [N, S*O, H, W] or [N, O, H, W]
     */
    NDArray forward(List<NDArray> x, Integer stream, NetworkState state);
}
