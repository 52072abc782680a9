package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Conv;

/**
 * The four convolutional LSTM gates of fnn's recurrents ({@code <path>.proj_i}, {@code .proj_f},
 * {@code .proj_g}, {@code .proj_o}, grouped convolutions with wnorm and gain 1) and the cell update
 * c' = f*c + i*g, h' = o*tanh(c').
 */
final class LstmGates {

    /** The new hidden and cell state, each [N, S*Hd, H, W]. */
    record Step(NDArray h, NDArray c) {
    }

    private final Conv projI;
    private final Conv projF;
    private final Conv projG;
    private final Conv projO;

    /**
     * @param inChannels     gate input channels per stream
     * @param hiddenChannels hidden channels per stream
     * @param groups         groups per stream (in and out)
     * @param spatial        spatial kernel size (zero padding keeps the size)
     */
    LstmGates(int inChannels, int hiddenChannels, int groups, int spatial, int streams, double initInput,
              double initForget, StateDict params, String path) {
        this.projI = gate(inChannels, hiddenChannels, groups, spatial, streams, initInput, params, path + ".proj_i");
        this.projF = gate(inChannels, hiddenChannels, groups, spatial, streams, initForget, params, path + ".proj_f");
        this.projG = gate(inChannels, hiddenChannels, groups, spatial, streams, 0, params, path + ".proj_g");
        this.projO = gate(inChannels, hiddenChannels, groups, spatial, streams, 0, params, path + ".proj_o");
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
        NDArray i = Activation.sigmoid(projI.forward(x, stream, null));
        NDArray f = Activation.sigmoid(projF.forward(x, stream, null));
        NDArray g = projG.forward(x, stream, null).tanh();
        NDArray o = Activation.sigmoid(projO.forward(x, stream, null));
        NDArray cNew = f.mul(c).add(i.mul(g));
        return new Step(o.mul(cNew.tanh()), cNew);
    }
}
