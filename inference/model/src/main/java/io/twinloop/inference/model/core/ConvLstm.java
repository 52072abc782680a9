package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.core.RecurrentConfig.ConvLstmConfig;
import io.twinloop.inference.model.elements.Conv;
import io.twinloop.inference.model.elements.Groups;

import java.util.List;

/**
 * fnn's {@code recurrents.ConvLstm}: x = tanh(proj_x[h, inputs]) ({@link RecurrentInput}), LSTM gates
 * are grouped K x K convs of [x, h] ({@link LstmGates}), out = 1x1 conv of h.
 *
 * <p>Keys under {@code <path>}: proj_x.*, proj_i/f/g/o, out. State: {@code <path>.h}, {@code <path>.c},
 * each [N, S*Hd, H, W].
 */
public final class ConvLstm implements Recurrent {

    private final ConvLstmConfig config;
    private final int streams;
    private final RecurrentInput input;
    private final LstmGates gates;
    private final Conv out;
    private final HiddenState hidden;
    private final HiddenState cell;

    /**
     * @param inputChannels channels per stream of each input (fnn: feedforward channels, modulation features)
     */
    public ConvLstm(ConvLstmConfig config, List<Integer> inputChannels, int streams, StateDict params, String path) {
        if (config.inChannels() % config.groups() != 0 || config.hiddenChannels() % config.groups() != 0) {
            throw new IllegalArgumentException("ConvLstm channels must be divisible by groups");
        }
        this.config = config;
        this.streams = streams;
        this.input = new RecurrentInput(inputChannels, config.hiddenChannels(), config.inChannels(), config.groups(),
                streams, params, path + ".proj_x");
        this.gates = new LstmGates(config.inChannels() + config.hiddenChannels(), config.hiddenChannels(),
                config.groups(), config.spatial(), streams, config.initInput(), config.initForget(), params, path);
        this.out = Conv.builder(config.hiddenChannels(), config.outChannels()).streams(streams)
                .build(params, path + ".out");
        this.hidden = new HiddenState(path + ".h", config.hiddenChannels());
        this.cell = new HiddenState(path + ".c", config.hiddenChannels());
    }

    @Override
    public int channels() {
        return config.outChannels();
    }

    @Override
    public NDArray forward(List<NDArray> x, Integer stream, NetworkState state) {
        int s = stream == null ? streams : 1;
        NDArray h = hidden.read(state, x.get(0), s);
        NDArray c = cell.read(state, x.get(0), s);
        NDArray projected = input.forward(h, x, stream, state);
        LstmGates.Step step = gates.step(Groups.cat2d(List.of(projected, h), s * config.groups()), c, stream);
        hidden.write(state, step.h());
        cell.write(state, step.c());
        return out.forward(step.h(), stream, state);
    }
}
