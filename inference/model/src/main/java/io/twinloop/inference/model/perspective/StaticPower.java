package io.twinloop.inference.model.perspective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.StateDict;

/**
 * Fixed monitor gamma (fnn's {@code StaticPower}): pixels^power * scale + offset. The three constants
 * are buffers of the checkpoint (scalars), so a checkpoint decides them; {@code power} is only the
 * value used when the network is initialised.
 */
public final class StaticPower implements PixelIntensity {

    private final NDArray power;
    private final NDArray scale;
    private final NDArray offset;

    /**
     * @param prefix state_dict prefix, e.g. {@code perspective.monitor_pixel}
     * @param power  initial power (fnn: 1.7)
     */
    public StaticPower(StateDict state, String prefix, float power) {
        Shape scalar = new Shape();
        this.power = state.take(prefix + ".power", scalar, (m, s) -> m.create(power));
        this.scale = state.take(prefix + ".scale", scalar, (m, s) -> m.create(1f));
        this.offset = state.take(prefix + ".offset", scalar, (m, s) -> m.create(0f));
    }

    @Override
    public NDArray apply(NDArray pixels) {
        return pixels.pow(power).mul(scale).add(offset);
    }
}
