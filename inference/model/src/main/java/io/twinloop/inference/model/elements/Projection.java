package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.NetworkState;

/**
 * A stream-aware map of feature maps, the common shape of fnn's {@code Conv} and {@code InterGroup}
 * as {@link Accumulate} uses them.
 */
public interface Projection {

    /**
     * @param x      [N, S*C, H, W] when stream is null, [N, C, H, W] for one stream
     * @param stream one stream (0..S-1), or null for all streams at once
     * @param state  recurrent state of the network (read and written by modules with a past; may be
     *               null for modules without one)
     * @return [N, S*C', H', W'] or [N, C', H', W']
     */
    NDArray forward(NDArray x, Integer stream, NetworkState state);
}
