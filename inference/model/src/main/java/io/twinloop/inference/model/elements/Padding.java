package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** Spatial padding of a {@link Conv}: fnn's {@code pad} argument ('zeros' | 'replicate' | None). */
public enum Padding {
    ZEROS,
    REPLICATE,
    /** no padding: the convolution shrinks the map */
    NONE;

    /**
     * Pads the last two dims by {@code p} on every side.
     *
     * @param x [N, C, H, W]
     * @return [N, C, H + 2p, W + 2p]
     */
    public NDArray apply(NDArray x, int p) {
        if (p == 0 || this == NONE) {
            return x;
        }
        if (this == ZEROS) {
            return x.pad(new Shape(p, p, p, p), 0);
        }
        // replicate is separable: widen the rows, then repeat the (already widened) edge rows
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray left = x.get(":, :, :, 0:1").repeat(3, p);
        NDArray right = x.get(":, :, :, " + (w - 1) + ":").repeat(3, p);
        NDArray wide = NDArrays.concat(new NDList(left, x, right), 3);
        NDArray top = wide.get(":, :, 0:1, :").repeat(2, p);
        NDArray bottom = wide.get(":, :, " + (h - 1) + ":, :").repeat(2, p);
        return NDArrays.concat(new NDList(top, wide, bottom), 2);
    }
}
