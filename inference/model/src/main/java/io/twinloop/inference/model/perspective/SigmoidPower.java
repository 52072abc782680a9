package io.twinloop.inference.model.perspective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.twinloop.inference.model.DerivedTensors;
import io.twinloop.inference.model.Scalars;
import io.twinloop.inference.model.StateDict;

/**
 * Learned retinal intensity response (fnn's {@code SigmoidPower}):
 * (pixels + eps)^(sigmoid(logit) * maxPower) * scale + offset, with maxPower = 1 and eps = 1e-5
 * (eps keeps the power's gradient finite at black pixels).
 */
public final class SigmoidPower implements PixelIntensity {

    private static final float MAX_POWER = 1f;
    private static final float EPS = 1e-5f;

    private final NDArray power;
    private final NDArray scale;
    private final NDArray offset;

    /** @param prefix state_dict prefix, e.g. {@code perspective.retina_pixel} */
    public SigmoidPower(StateDict state, String prefix) {
        Shape one = new Shape(1);
        NDArray logit = state.take(prefix + ".logit", one, (m, s) -> m.zeros(s));
        this.scale = state.take(prefix + ".scale", one, (m, s) -> m.ones(s));
        this.offset = state.take(prefix + ".offset", one, (m, s) -> m.zeros(s));
        // the power is constant at inference: computed once
        this.power = DerivedTensors.keep(state, Scalars.mul(Activation.sigmoid(logit), MAX_POWER));
    }

    @Override
    public NDArray apply(NDArray pixels) {
        return pixels.add(EPS).pow(power).mul(scale).add(offset);
    }
}
