package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Conv;
import io.twinloop.inference.model.elements.ConvBank;

import java.util.List;

/**
 * The four convolutional LSTM gates of fnn's recurrents ({@code <path>.proj_i}, {@code .proj_f},
 * {@code .proj_g}, {@code .proj_o}, grouped convolutions with wnorm and gain 1, run as one {@link ConvBank})
 * and the cell update c' = f*c + i*g, h' = o*tanh(c'), computed per channel group.
 */
final class LstmGates {

    /** The new hidden and cell state, each [N, S*Hd, H, W]. */
    record Step(NDArray h, NDArray c) {
    }

    /** the gates i, f, g, o */
    private final ConvBank gates;

    /**
     * @param inChannels     gate input channels per stream
     * @param hiddenChannels hidden channels per stream
     * @param groups         groups per stream (in and out)
     * @param spatial        spatial kernel size (zero padding keeps the size)
     */
    LstmGates(int inChannels, int hiddenChannels, int groups, int spatial, int streams, double initInput,
              double initForget, StateDict params, String path) {
        this.gates = new ConvBank(List.of(
                gate(inChannels, hiddenChannels, groups, spatial, streams, initInput, params, path + ".proj_i"),
                gate(inChannels, hiddenChannels, groups, spatial, streams, initForget, params, path + ".proj_f"),
                gate(inChannels, hiddenChannels, groups, spatial, streams, 0, params, path + ".proj_g"),
                gate(inChannels, hiddenChannels, groups, spatial, streams, 0, params, path + ".proj_o")), params);
    }

    private static Conv gate(int in, int hidden, int groups, int spatial, int streams, double bias, StateDict params,
                             String path) {
        return Conv.builder(in, hidden).inGroups(groups).outGroups(groups).streams(streams).spatial(spatial)
                .gain(1).bias(bias).build(params, path);
    }

    /**
     * @param x      gate input [N, S*I, H, W]
     * @param c      previous cell state [N, S*Hd, H, W]
     * @param stream one stream, or null for all
     */
    Step step(NDArray x, NDArray c, Integer stream) {
        // each [N, G, Hd/groups, H, W]: the cell update is per channel, so it runs on the groups' views
        List<NDArray> ifgo = gates.forward(x, stream);
        NDArray i = Activation.sigmoid(ifgo.get(0));
        NDArray f = Activation.sigmoid(ifgo.get(1));
        NDArray g = ifgo.get(2).tanh();
        NDArray o = Activation.sigmoid(ifgo.get(3));
        NDArray cNew = f.mul(c.reshape(i.getShape())).add(i.mul(g));
        NDArray hNew = o.mul(cNew.tanh());
        return new Step(hNew.reshape(c.getShape()), cNew.reshape(c.getShape()));
    }
}
