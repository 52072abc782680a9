package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.StateDict;

/**
 * fnn's {@code elements.Linear}: a {@link Conv} with a 1x1x1 kernel applied to feature vectors, with
 * the same parameters and keys ({@code <path>.weights.s [O, I/inGroups, 1, 1, 1]}, {@code .gains.s},
 * {@code .biases.s}).
 *
 * <pre>{@code
 * Linear linear = new Linear(Conv.builder(in, out).streams(4), params, "modulation.mlp.linears.0");
 * NDArray y = linear.forward(x, null);   // [N, S*I] -> [N, S*O]
 * }</pre>
 * The builder's kernel settings (temporal, spatial, stride, pad) must stay at their defaults.
 */
public final class Linear {

    private final Conv conv;

    /**
     * @param spec   in/out features, groups, streams, gain, bias, eps, wnorm as for {@link Conv}
     * @param params where the parameters are taken from
     * @param path   module path, e.g. {@code modulation.lstm.proj_i}
     */
    public Linear(Conv.Builder spec, StateDict params, String path) {
        this.conv = spec.build(params, path);
    }

    /** Shorthand for fnn's {@code Linear(in_features, out_features, streams=streams)} with gain 1, bias 0, wnorm. */
    public Linear(int inFeatures, int outFeatures, int streams, StateDict params, String path) {
        this(Conv.builder(inFeatures, outFeatures).streams(streams), params, path);
    }

    /** @return output features per stream */
    public int outFeatures() {
        return conv.outChannels();
    }

    /**
     * @param x      [N, S*I] (stream null) or [N, I] (one stream)
     * @param stream one stream, or null for all
     * @return [N, S*O] or [N, O]
     */
    public NDArray forward(NDArray x, Integer stream) {
        long n = x.getShape().get(0);
        return conv.forward(x.reshape(n, -1, 1, 1), stream, null).reshape(n, -1);
    }
}
