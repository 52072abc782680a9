package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.NetworkState;

import java.util.List;

/**
 * fnn's {@code elements.Accumulate}: projects several inputs onto a common space and sums them.
 * Module i is fnn's {@code <path>.i}.
 */
public final class Accumulate {

    private final List<Projection> projections;

    public Accumulate(List<Projection> projections) {
        this.projections = List.copyOf(projections);
    }

    /**
     * @param inputs one tensor per projection, in order ([N, S*C_i, H_i, W_i] or per-stream)
     * @param stream one stream, or null for all
     * @return the sum of the projections (broadcast over N, H, W where an input is smaller)
     */
    public NDArray forward(List<NDArray> inputs, Integer stream, NetworkState state) {
        if (inputs.size() != projections.size()) {
            throw new IllegalArgumentException(
                    "Accumulate has " + projections.size() + " projections, got " + inputs.size() + " inputs");
        }
        NDArray sum = projections.get(0).forward(inputs.get(0), stream, state);
        for (int i = 1; i < inputs.size(); i++) {
            sum = sum.add(projections.get(i).forward(inputs.get(i), stream, state));
        }
        return sum;
    }
}
