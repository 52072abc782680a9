package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Conv;
import io.twinloop.inference.model.elements.Groups;
import io.twinloop.inference.model.elements.Nonlinearity;

import java.util.ArrayList;
import java.util.List;

/**
 * fnn's {@code feedforwards.Block}: a densely connected block of causal spatio-temporal convolutions,
 * then average pooling.
 *
 * <p>Layer l convolves y_l = gamma * nonlinear(x_l) (kernel T x K x K over the current and T-1 past
 * frames); from the second layer on it adds a 1x1 "skip" projection of all earlier layers' y. The output
 * is the group-wise concatenation [x_0, x_1, ..., x_L] (channels (L+1)*C), pooled.
 *
 * <p>Keys: {@code <path>.convs.l} (gain 1 for l = 0, else 1/sqrt 2) and {@code <path>.skips.l} for l &ge; 1
 * (in channels l*C, gain 1/sqrt 2, no bias).
 */
final class DenseBlock {

    private final int groups;
    private final int streams;
    private final int pool;
    private final Nonlinearity nonlinear;
    private final List<Conv> convs = new ArrayList<>();
    /** skips.get(l) for l &ge; 1; index 0 is null as in fnn */
    private final List<Conv> skips = new ArrayList<>();

    DenseBlock(int channels, int groups, int layers, int temporal, int spatial, int pool, Nonlinearity nonlinear,
               int streams, StateDict params, String path) {
        this.groups = groups;
        this.streams = streams;
        this.pool = pool;
        this.nonlinear = nonlinear;
        double halfGain = Math.pow(2, -0.5);
        for (int l = 0; l < layers; l++) {
            convs.add(Conv.builder(channels, channels).inGroups(groups).outGroups(groups).streams(streams)
                    .temporal(temporal).spatial(spatial).gain(l == 0 ? 1 : halfGain)
                    .build(params, path + ".convs." + l));
            skips.add(l == 0 ? null
                    : Conv.builder(channels * l, channels).inGroups(groups).outGroups(groups).streams(streams)
                    .gain(halfGain).noBias().build(params, path + ".skips." + l));
        }
    }

    /**
     * @param x      [N, S*C, H, W] or [N, C, H, W]
     * @param stream one stream, or null for all
     * @param state  the convolutions' temporal past
     * @return [N, S*(L+1)*C, H/pool, W/pool] or [N, (L+1)*C, H/pool, W/pool]
     */
    NDArray forward(NDArray x, Integer stream, NetworkState state) {
        int g = stream == null ? groups * streams : groups;
        NDArray dense = x;
        NDArray earlier = null;
        for (int l = 0; l < convs.size(); l++) {
            NDArray y = nonlinear.applyScaled(x);
            if (l == 0) {
                x = convs.get(0).forward(y, stream, state);
                earlier = y;
            } else {
                x = convs.get(l).forward(y, stream, state).add(skips.get(l).forward(earlier, stream, state));
                if (l + 1 < convs.size()) {
                    earlier = Groups.cat2d(List.of(earlier, y), g);
                }
            }
            dense = Groups.cat2d(List.of(dense, x), g);
        }
        if (pool == 1) {
            return dense;
        }
        Shape kernel = new Shape(pool, pool);
        return dense.getNDArrayInternal().avgPool(kernel, kernel, new Shape(0, 0), false, true);
    }

    /** @return the spatial size after pooling */
    int pooled(int size) {
        return size / pool;
    }
}
