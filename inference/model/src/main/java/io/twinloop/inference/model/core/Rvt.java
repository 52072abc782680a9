package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.core.RecurrentConfig.RvtConfig;
import io.twinloop.inference.model.elements.Conv;
import io.twinloop.inference.model.elements.Groups;

import java.util.List;

/**
 * fnn's {@code recurrents.Rvt}, a recurrent vision transformer: as {@link CvtLstm} up to [c, a] (the
 * common-space features and their attention, {@link CommonAttention}), then a gated update of the hidden
 * state alone: z = sigmoid(proj_z[c, a]), n = tanh(proj_n[c, a]), h' = z*h + (1-z)*n; out = 1x1 conv of h'.
 *
 * <p>Keys under {@code <path>}: conv, scales.s, proj_x.*, proj_q, proj_k, proj_v, proj_z (bias initGate),
 * proj_n, out. State: {@code <path>.h} [N, S*Hd, H, W].
 */
public final class Rvt implements Recurrent {

    private final RvtConfig config;
    private final int streams;
    private final RecurrentInput input;
    private final CommonAttention attention;
    private final Conv projZ;
    private final Conv projN;
    private final Conv out;
    private final HiddenState hidden;

    /**
     * @param inputChannels channels per stream of each input (fnn: feedforward channels, modulation features)
     */
    public Rvt(RvtConfig config, List<Integer> inputChannels, int streams, StateDict params, String path) {
        int g = config.groups();
        if (config.inChannels() % g != 0 || config.hiddenChannels() % g != 0 || config.commonChannels() % g != 0) {
            throw new IllegalArgumentException("Rvt channels must be divisible by groups");
        }
        this.config = config;
        this.streams = streams;
        this.attention = new CommonAttention(config.inChannels() + config.hiddenChannels(), config.commonChannels(),
                g, config.spatial(), streams, params, path);
        this.input = new RecurrentInput(inputChannels, config.hiddenChannels(), config.inChannels(), g, streams,
                params, path + ".proj_x");
        this.projZ = gate(config.initGate(), params, path + ".proj_z");
        this.projN = gate(0, params, path + ".proj_n");
        this.out = Conv.builder(config.hiddenChannels(), config.outChannels()).streams(streams)
                .build(params, path + ".out");
        this.hidden = new HiddenState(path + ".h", config.hiddenChannels());
    }

    private Conv gate(double bias, StateDict params, String path) {
        return Conv.builder(config.commonChannels() * 2, config.hiddenChannels()).inGroups(config.groups())
                .outGroups(config.groups()).streams(streams).gain(1).bias(bias).build(params, path);
    }

    @Override
    public int channels() {
        return config.outChannels();
    }

    @Override
    public NDArray forward(List<NDArray> x, Integer stream, NetworkState state) {
        int s = stream == null ? streams : 1;
        NDArray h = hidden.read(state, x.get(0), s);
        NDArray projected = input.forward(h, x, stream, state);
        NDArray ca = attention.forward(Groups.cat2d(List.of(projected, h), s * config.groups()), stream);
        NDArray z = Activation.sigmoid(projZ.forward(ca, stream, null));
        NDArray n = projN.forward(ca, stream, null).tanh();
        // z*h + (1-z)*n, in fnn's order of operations
        NDArray next = z.mul(h).add(z.neg().add(1).mul(n));
        hidden.write(state, next);
        return out.forward(next, stream, state);
    }
}
