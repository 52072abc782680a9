package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.core.RecurrentConfig.CvtLstmConfig;
import io.twinloop.inference.model.elements.Conv;
import io.twinloop.inference.model.elements.Groups;

import java.util.List;

/**
 * fnn's {@code recurrents.CvtLstm}, the published recurrent: a convolutional vision-transformer LSTM.
 *
 * <p>Per frame: x = tanh(proj_x[h, inputs]) ({@link RecurrentInput}); [z, a] = the common-space
 * features of [x, h] and their attention ({@link CommonAttention}); LSTM gates are 1x1 convs of [z, a]
 * ({@link LstmGates}); out = 1x1 conv of h ({@code <path>.out}).
 *
 * <p>Keys under {@code <path>}: conv, scales.s, proj_x.*, proj_q, proj_k, proj_v, proj_i/f/g/o, out.
 * State: {@code <path>.h}, {@code <path>.c}, each [N, S*Hd, H, W].
 */
public final class CvtLstm implements Recurrent {

    private final CvtLstmConfig config;
    private final int streams;
    private final RecurrentInput input;
    private final CommonAttention attention;
    private final LstmGates gates;
    private final Conv out;
    private final HiddenState hidden;
    private final HiddenState cell;

    /**
     * @param inputChannels channels per stream of each input (fnn: feedforward channels, modulation features)
     */
    public CvtLstm(CvtLstmConfig config, List<Integer> inputChannels, int streams, StateDict params, String path) {
        int g = config.groups();
        if (config.inChannels() % g != 0 || config.hiddenChannels() % g != 0 || config.commonChannels() % g != 0) {
            throw new IllegalArgumentException("CvtLstm channels must be divisible by groups");
        }
        this.config = config;
        this.streams = streams;
        this.attention = new CommonAttention(config.inChannels() + config.hiddenChannels(), config.commonChannels(),
                g, config.spatial(), streams, params, path);
        this.input = new RecurrentInput(inputChannels, config.hiddenChannels(), config.inChannels(), g, streams,
                params, path + ".proj_x");
        this.gates = new LstmGates(config.commonChannels() * 2, config.hiddenChannels(), g, 1, streams,
                config.initInput(), config.initForget(), params, path);
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
        NDArray za = attention.forward(Groups.cat2d(List.of(projected, h), s * config.groups()), stream);
        LstmGates.Step step = gates.step(za, c, stream);
        hidden.write(state, step.h());
        cell.write(state, step.c());
        return out.forward(step.h(), stream, state);
    }
}
