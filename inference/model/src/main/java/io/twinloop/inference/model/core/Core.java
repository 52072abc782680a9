package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.NetworkState;

/**
 * fnn's {@code cores.Core}: the part of the network shared by all mice. It maps the perspective
 * (what the eye sees) and the modulation (behavioural state) of a frame to a feature map.
 */
public interface Core {

    /** @return output channels per stream (C) */
    int channels();

    /** @return streams (S) */
    int streams();

    /** @return {H', W'}, the output feature map size for a perspective of H x W */
    int[] outputSize(int height, int width);

    /**
     * Steps the core by one frame.
     *
     * @param perspective [N, S*P, H, W] (stream null) or [N, P, H, W] (one stream)
     * @param modulation  [N, S*M] or [N, M]
     * @param stream      one stream, or null for all
     * @param state       the sessions' recurrent state: read, then replaced by the new one (keys under
     *                    the core's path); a fresh state is fnn's reset()
     * @return [N, S*C, H', W'] or [N, C, H', W']
     */
    NDArray forward(NDArray perspective, NDArray modulation, Integer stream, NetworkState state);
}
