package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.core.RecurrentConfig.CvtLstmConfig;
import io.twinloop.inference.model.elements.Conv;
import io.twinloop.inference.model.elements.Groups;

import java.util.ArrayList;
import java.util.List;

/**
 * fnn's {@code recurrents.CvtLstm}, the published recurrent: a convolutional vision-transformer LSTM.
 *
 * <p>Per frame: x = tanh(proj_x[h, inputs]) ({@link RecurrentInput}); z = conv([x, h]) into the common
 * space (K x K, grouped, wnorm, no gain or bias); per group, attention over all positions with
 * cosine-normalised queries (times a learned scale per channel) and keys:
 * a = v softmax(q^T k); the LSTM gates are 1x1 convs of [z, a] ({@link LstmGates}); out = 1x1 conv of h.
 *
 * <p>Keys under {@code <path>}: conv, scales.s [G, Cc/G], proj_x.*, proj_q, proj_k, proj_v,
 * proj_i/f/g/o, out. State: {@code <path>.h}, {@code <path>.c}.
 */
public final class CvtLstm implements Recurrent {

    private final CvtLstmConfig config;
    private final int streams;
    private final int groupChannels;
    private final RecurrentInput input;
    private final Conv conv;
    private final Conv projQ;
    private final Conv projK;
    private final Conv projV;
    private final LstmGates gates;
    private final Conv out;
    private final LstmState past;
    /** query scales, all streams [S, G, Cc/G, 1] */
    private final NDArray allScales;
    /** per stream [1, G, Cc/G, 1] */
    private final List<NDArray> streamScales = new ArrayList<>();

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
        this.groupChannels = config.commonChannels() / g;
        this.conv = Conv.builder(config.inChannels() + config.hiddenChannels(), config.commonChannels())
                .inGroups(g).outGroups(g).streams(streams).spatial(config.spatial()).noGain().noBias()
                .build(params, path + ".conv");
        Shape scaleShape = new Shape(g, groupChannels);
        for (int s = 0; s < streams; s++) {
            NDArray scale = params.take(path + ".scales." + s, scaleShape, (m, sh) -> m.ones(sh));
            streamScales.add(scale.reshape(1, g, groupChannels, 1));
        }
        this.allScales = NDArrays.concat(new NDList(streamScales), 0);
        this.input = new RecurrentInput(inputChannels, config.hiddenChannels(), config.inChannels(), g, streams,
                params, path + ".proj_x");
        this.projQ = common(params, path + ".proj_q");
        this.projK = common(params, path + ".proj_k");
        this.projV = common(params, path + ".proj_v");
        this.gates = new LstmGates(config.commonChannels() * 2, config.hiddenChannels(), g, 1, streams,
                config.initInput(), config.initForget(), params, path);
        this.out = Conv.builder(config.hiddenChannels(), config.outChannels()).streams(streams)
                .build(params, path + ".out");
        this.past = new LstmState(path, config.hiddenChannels());
    }

    private Conv common(StateDict params, String path) {
        return Conv.builder(config.commonChannels(), config.commonChannels()).inGroups(config.groups())
                .outGroups(config.groups()).streams(streams).noGain().noBias().build(params, path);
    }

    @Override
    public int channels() {
        return config.outChannels();
    }

    @Override
    public NDArray forward(List<NDArray> x, Integer stream, NetworkState state) {
        int s = stream == null ? streams : 1;
        int groups = s * config.groups();
        NDArray h = past.h(state, x.get(0), s);
        NDArray c = past.c(state, x.get(0), s);

        NDArray projected = input.forward(h, x, stream, state);
        NDArray z = conv.forward(Groups.cat2d(List.of(projected, h), groups), stream, state);
        NDArray a = attention(z, stream == null ? allScales : streamScales.get(stream), stream);

        LstmGates.Step step = gates.step(Groups.cat2d(List.of(z, a), groups), c, stream);
        past.put(state, step);
        return out.forward(step.h(), stream, state);
    }

    /**
     * Grouped attention over positions.
     *
     * @param z     [N, S*Cc, H, W]
     * @param scale [S, G, Cc/G, 1]
     * @return a [N, S*Cc, H, W]
     */
    private NDArray attention(NDArray z, NDArray scale, Integer stream) {
        Shape shape = z.getShape();
        long n = shape.get(0);
        long h = shape.get(2);
        long w = shape.get(3);
        int s = stream == null ? streams : 1;
        Shape grouped = new Shape(n, s, config.groups(), groupChannels, h * w);
        // [N, S, G, C, HW]: channel vectors at each position, normalised along C
        NDArray q = projQ.forward(z, stream, null).reshape(grouped);
        NDArray k = projK.forward(z, stream, null).reshape(grouped);
        NDArray v = projV.forward(z, stream, null).reshape(grouped);
        q = q.div(l2(q)).mul(scale);
        k = k.div(l2(k));
        long batch = n * s * config.groups();
        Shape flat = new Shape(batch, groupChannels, h * w);
        // w[b, q, d] = softmax_d sum_c q[b, c, q] k[b, c, d]
        NDArray weights = q.reshape(flat).transpose(0, 2, 1).matMul(k.reshape(flat)).softmax(2);
        // a[b, c, q] = sum_d v[b, c, d] w[b, q, d]
        return v.reshape(flat).matMul(weights.transpose(0, 2, 1)).reshape(n, -1, h, w);
    }

    /** @return the L2 norm along the channel dim (3) of [N, S, G, C, HW], keeping the dim */
    private static NDArray l2(NDArray x) {
        return x.square().sum(new int[] {3}, true).sqrt();
    }
}
