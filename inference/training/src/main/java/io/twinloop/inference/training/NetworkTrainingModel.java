package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.perspective.Periphery;
import io.twinloop.inference.training.data.FrameInputs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fnn {@link Network} as a {@link TrainableModel}: the state dict's parameters with fnn's
 * optimisation attributes ({@link FnnParameterAttributes}), stepped with the dark periphery fnn
 * trains with.
 *
 * <p>The network derives some tensors from its parameters once, when it is built (stacked readout
 * biases and features, the readout's mean grid, the monitor's geometry, the pixel power). Built once,
 * those would neither pass gradients to their parameters nor follow the optimiser's updates. So the
 * network is rebuilt from the live parameter tensors at the start of every sequence (on a fresh
 * state), into the sequence's manager: the derivation is then part of autograd's graph and is
 * released with the batch.
 *
 * <p>In training mode the readout positions are drawn from their Gaussians once per clip; the
 * monitor is not jittered (fnn jitters its centre and angles by {@code center_std}, {@code angle_std}).
 */
public final class NetworkTrainingModel implements TrainableModel {

    private final NetworkConfig config;
    private final Map<String, NDArray> tensors;
    private final List<TrainableParameter> parameters;
    private Network network;

    /** @param tensors the network's state dict (parameters and buffers), e.g. from a checkpoint */
    public NetworkTrainingModel(NetworkConfig config, Map<String, NDArray> tensors) {
        this.config = config;
        this.tensors = new LinkedHashMap<>(tensors);
        this.parameters = FnnParameterAttributes.parameters(this.tensors, config.units());
    }

    /** @return the live state dict (parameters and buffers) the network is built from, e.g. to save it */
    public Map<String, NDArray> tensors() {
        return java.util.Collections.unmodifiableMap(tensors);
    }

    public NetworkConfig config() {
        return config;
    }

    @Override
    public List<TrainableParameter> parameters() {
        return parameters;
    }

    @Override
    public int streams() {
        return config.streams();
    }

    @Override
    public NDArray logRates(FrameInputs inputs, NetworkState state, Integer stream, boolean training) {
        if (state.isFresh() || network == null) {
            network = Network.load(config, StateDict.of(inputs.stimulus().getManager(), tensors));
        }
        return network.logRate(inputs.stimulus(), inputs.perspective(), inputs.modulation(), stream, Periphery.DARK,
                state, training).squeeze(2);
    }
}
