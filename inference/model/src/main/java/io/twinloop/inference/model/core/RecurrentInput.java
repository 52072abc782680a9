package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Accumulate;
import io.twinloop.inference.model.elements.Conv;
import io.twinloop.inference.model.elements.InterGroup;
import io.twinloop.inference.model.elements.Projection;

import java.util.ArrayList;
import java.util.List;

/**
 * The input projection fnn's recurrents share ({@code <path>.proj_x}, an Accumulate): x = tanh of the sum
 * of 1x1 projections of each input and, with more than one group, an {@link InterGroup} projection of the
 * previous hidden state (so groups exchange information). The first input's projection has a bias, the
 * others none; gains 1/sqrt(number of summands).
 */
final class RecurrentInput {

    private final boolean interGroup;
    private final Accumulate projection;

    /**
     * @param inputChannels  channels per stream of each input
     * @param hiddenChannels hidden channels per stream
     * @param outChannels    projected channels per stream
     * @param groups         groups per stream
     */
    RecurrentInput(List<Integer> inputChannels, int hiddenChannels, int outChannels, int groups, int streams,
                   StateDict params, String path) {
        this.interGroup = groups > 1;
        List<Projection> projections = new ArrayList<>();
        double gain = Math.pow(inputChannels.size() + (interGroup ? 1 : 0), -0.5);
        if (interGroup) {
            projections.add(new InterGroup(hiddenChannels, outChannels, groups, streams, gain, params, path + ".0"));
        }
        for (int i = 0; i < inputChannels.size(); i++) {
            Conv.Builder conv = Conv.builder(inputChannels.get(i), outChannels).outGroups(groups).streams(streams)
                    .gain(gain);
            if (i > 0) {
                conv.noBias();
            }
            projections.add(conv.build(params, path + "." + projections.size()));
        }
        this.projection = new Accumulate(projections);
    }

    /**
     * @param h      previous hidden state [N, S*Hd, H, W]
     * @param x      inputs [[N, S*I_i, H_i, W_i], ...]
     * @return tanh(projection) [N, S*O, H, W]
     */
    NDArray forward(NDArray h, List<NDArray> x, Integer stream, NetworkState state) {
        List<NDArray> all = new ArrayList<>(x.size() + 1);
        if (interGroup) {
            all.add(h);
        }
        all.addAll(x);
        return projection.forward(all, stream, state).tanh();
    }
}
