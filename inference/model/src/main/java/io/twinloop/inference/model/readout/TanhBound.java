package io.twinloop.inference.model.readout;

import ai.djl.ndarray.NDArray;

/** Bounds unbounded positions into the feature map's [-1, 1] coordinates (fnn's {@code bounds.Tanh}). */
public final class TanhBound {

    /** @return tanh(x), same shape */
    public NDArray apply(NDArray x) {
        return x.tanh();
    }
}
