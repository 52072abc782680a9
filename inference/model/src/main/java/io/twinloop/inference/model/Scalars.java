package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Element-wise arithmetic with a constant, the constant held in a tensor that libtorch allocated.
 *
 * <p>Why: DJL's {@code NDArray.mul(Number)} (and {@code div}, {@code pow}, {@code maximum}) wraps the
 * constant around a Java direct buffer, applies the operation and closes the wrapper at once. When the
 * operation is recorded for autograd, libtorch keeps that tensor for the backward pass, but its memory is
 * the Java buffer, which the garbage collector frees some time later: the backward pass then reads freed
 * memory, and gradients come out random, now and then NaN (seen as non-finite gradients of the monitor, the
 * perspective MLP and the readout positions, and as gradient norms of 1e9). Operations whose backward pass
 * needs the constant go through here; {@code add}/{@code sub} of a constant, whose backward does not, and
 * {@code clip}, which DJL passes as scalars, are safe as they are.
 */
public final class Scalars {

    private Scalars() {
    }

    /** @return x * value */
    public static NDArray mul(NDArray x, double value) {
        return x.mul(constant(x, value));
    }

    /** @return x / value */
    public static NDArray div(NDArray x, double value) {
        return x.div(constant(x, value));
    }

    /** @return x ^ value */
    public static NDArray pow(NDArray x, double value) {
        return x.pow(constant(x, value));
    }

    /** @return max(x, value) element-wise */
    public static NDArray maximum(NDArray x, double value) {
        return x.maximum(constant(x, value));
    }

    /** A 0-d tensor of x's type in x's manager, created by libtorch (no Java buffer behind it). */
    private static NDArray constant(NDArray x, double value) {
        return x.getManager().full(new Shape(), (float) value, x.getDataType());
    }
}
