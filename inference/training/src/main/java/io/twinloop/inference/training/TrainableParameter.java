package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;

/**
 * One parameter of a model with fnn's per-parameter optimisation attributes
 * ({@code fnn/model/parameters.py}).
 *
 * @param name          the fnn state_dict key, e.g. {@code readout.position.mu}
 * @param value         the tensor itself, updated in place by the optimiser
 * @param gradientScale fnn's {@code scale}: the gradient is multiplied by it before anything else
 *                      (e.g. the number of units for per-unit readout parameters)
 * @param decay         fnn's {@code decay}: whether weight decay applies (false for gains, biases,
 *                      positions)
 * @param normAxes      fnn's {@code norm_dim}: axes over which adaptive clipping measures norms;
 *                      null means the whole tensor
 */
public record TrainableParameter(String name, NDArray value, float gradientScale, boolean decay, int[] normAxes) {

    /** A parameter with fnn's defaults: scale 1, decayed, clipped by its whole-tensor norm. */
    public static TrainableParameter of(String name, NDArray value) {
        return new TrainableParameter(name, value, 1f, true, null);
    }

    /** @return true if {@code name} is {@code prefix} or lies under the module {@code prefix} */
    public boolean isUnder(String prefix) {
        return name.equals(prefix) || name.startsWith(prefix + ".");
    }
}
