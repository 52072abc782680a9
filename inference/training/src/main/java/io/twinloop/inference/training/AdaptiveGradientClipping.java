package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;

/**
 * fnn's adaptive gradient clipping ({@code SgdClip.step}): a gradient slice may be at most
 * {@code clip} times as long as the parameter slice it updates (norms over the parameter's norm
 * axes), but never limited below {@code eps * sqrt(numel)}, so parameters that start at zero can
 * still move. The slice is rescaled, not clamped element-wise, so its direction is kept.
 */
public final class AdaptiveGradientClipping {

    private AdaptiveGradientClipping() {
    }

    /**
     * @param parameter the parameter p
     * @param gradient  its (scaled) gradient
     * @param normAxes  axes to measure norms over; null for the whole tensor
     * @param clip      clipping factor; infinity disables clipping
     * @param eps       minimum allowed norm per element, as in fnn
     * @return the clipped gradient (a new array), or {@code gradient} itself when clip is infinite
     */
    public static NDArray clip(NDArray parameter, NDArray gradient, int[] normAxes, double clip, double eps) {
        if (Double.isInfinite(clip)) {
            return gradient;
        }
        NDArray parameterNorm = norm(parameter, normAxes);
        NDArray gradientNorm = norm(gradient, normAxes);
        float minNorm = (float) (eps * Math.sqrt(parameter.size()));
        NDArray maxNorm = parameterNorm.mul(clip).maximum(minNorm);
        NDArray factor = maxNorm.div(gradientNorm.maximum(maxNorm));
        return gradient.mul(factor);
    }

    /** @return the L2 norm over {@code axes} (all when null), keeping the reduced axes for broadcasting */
    static NDArray norm(NDArray x, int[] axes) {
        NDArray squares = x.square();
        return (axes == null ? squares.sum() : squares.sum(axes, true)).sqrt();
    }
}
