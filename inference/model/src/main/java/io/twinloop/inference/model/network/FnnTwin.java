package io.twinloop.inference.model.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.model.Twin;
import io.twinloop.inference.model.perspective.Periphery;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * fnn's {@link Network} as a {@link Twin}, with the stream selection and the periphery fixed.
 *
 * <p>fnn starts every recurrent module from zeros (LSTM h and c, the recurrent hidden maps, the zero-padded
 * temporal past of its convolutions), which the network creates on the first frame when the state is empty.
 * {@link #initialState} makes the same zeros explicitly; their names and per-session shapes come from one
 * probe step at batch 1, made once (they depend on the retina, not on the frame size).
 */
public final class FnnTwin implements Twin {

    private final Network network;
    private final Integer stream;
    private final Periphery periphery;
    /** per state key: the shape of one session's tensor without the session dim, and its dtype */
    private Map<String, Map.Entry<Shape, DataType>> stateLayout;

    /**
     * @param network   the fnn network (parameters on their device)
     * @param stream    one stream (0..S-1), or null for the mean of all (fnn's default)
     * @param periphery what the retina sees beyond the monitor (fnn's default: DARK)
     */
    public FnnTwin(Network network, Integer stream, Periphery periphery) {
        this.network = network;
        this.stream = stream;
        this.periphery = periphery;
    }

    /** All streams averaged, dark periphery: fnn's defaults. */
    public FnnTwin(Network network) {
        this(network, null, Periphery.DARK);
    }

    public Network network() {
        return network;
    }

    @Override
    public int units() {
        return network.units();
    }

    @Override
    public int perspectives() {
        return network.config().perspectives();
    }

    @Override
    public int modulations() {
        return network.config().modulations();
    }

    /** @return empty: the perspective module resamples a frame of any size onto the retina */
    @Override
    public Optional<FrameSize> frameSize() {
        return Optional.empty();
    }

    @Override
    public boolean differentiable() {
        return true;
    }

    @Override
    public NDManager manager() {
        return network.manager();
    }

    @Override
    public NetworkState initialState(int sessions, NDManager manager) {
        if (sessions < 1) {
            throw new IllegalArgumentException("an initial state for " + sessions + " sessions");
        }
        NetworkState state = NetworkState.fresh();
        stateLayout().forEach((key, layout) -> {
            Shape perSession = layout.getKey();
            state.put(key, manager.zeros(new Shape(sessions).addAll(perSession), layout.getValue()));
        });
        return state;
    }

    @Override
    public Step step(NDArray frames, NDArray perspective, NDArray modulation, NetworkState state) {
        NetworkState next = state.copy();
        NDArray rates = network.forward(frames, perspective, modulation, stream, periphery, next);
        return new Step(rates, next);
    }

    private synchronized Map<String, Map.Entry<Shape, DataType>> stateLayout() {
        if (stateLayout == null) {
            int[] retina = network.retinaSize();
            Map<String, Map.Entry<Shape, DataType>> layout = new LinkedHashMap<>();
            try (NoGrad noGrad = new NoGrad(); NDScope scope = new NDScope();
                 NDManager probe = network.manager().newSubManager()) {
                NetworkState state = NetworkState.fresh();
                network.forward(probe.zeros(new Shape(1, 1, retina[0], retina[1])),
                        probe.zeros(new Shape(1, perspectives())), probe.zeros(new Shape(1, modulations())),
                        stream, periphery, state);
                state.tensors().forEach((key, t) -> layout.put(key,
                        Map.entry(t.getShape().slice(1), t.getDataType())));
            }
            stateLayout = layout;
        }
        return stateLayout;
    }
}
