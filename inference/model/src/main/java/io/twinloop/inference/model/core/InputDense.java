package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Conv;
import io.twinloop.inference.model.elements.Groups;
import io.twinloop.inference.model.elements.Padding;

import java.util.ArrayList;
import java.util.List;

/**
 * fnn's {@code feedforwards.InputDense}: the core's feedforward network. Per block b, an input
 * projection ({@code <path>.inputs.b}: the first one K x K with stride and no wnorm, later ones 1x1 with
 * wnorm; replicate padding) then a {@link DenseBlock} ({@code <path>.blocks.b}); finally a 1x1 projection
 * to the output channels ({@code <path>.out}).
 *
 * <p>The temporal past of the blocks' convolutions lives in the {@link NetworkState} under their paths.
 */
public final class InputDense {

    private final InputDenseConfig config;
    private final int streams;
    private final List<Conv> inputs = new ArrayList<>();
    private final List<DenseBlock> blocks = new ArrayList<>();
    private final Conv out;

    /**
     * @param config        hyperparameters
     * @param inputChannels channels per stream of each input (fnn's {@code inputs}); concatenated group-wise
     * @param streams       S
     */
    public InputDense(InputDenseConfig config, List<Integer> inputChannels, int streams, StateDict params,
                      String path) {
        this.config = config;
        this.streams = streams;
        int in = inputChannels.stream().mapToInt(Integer::intValue).sum();
        int spatial = config.inputSpatial();
        int stride = config.inputStride();
        boolean wnorm = false;
        for (int b = 0; b < config.blocks(); b++) {
            int channels = config.blockChannels().get(b);
            int groups = config.blockGroups().get(b);
            int layers = config.blockLayers().get(b);
            inputs.add(projection(in, channels, groups, spatial, stride, wnorm).build(params, path + ".inputs." + b));
            blocks.add(new DenseBlock(channels, groups, layers, config.blockTemporals().get(b),
                    config.blockSpatials().get(b), config.blockPools().get(b), config.nonlinear(), streams, params,
                    path + ".blocks." + b));
            in = (layers + 1) * channels;
            spatial = 1;
            stride = 1;
            wnorm = true;
        }
        this.out = projection(in, config.outChannels(), 1, 1, 1, true).build(params, path + ".out");
    }

    private Conv.Builder projection(int in, int out, int outGroups, int spatial, int stride, boolean wnorm) {
        return Conv.builder(in, out).outGroups(outGroups).spatial(spatial).stride(stride).wnorm(wnorm)
                .pad(Padding.REPLICATE).streams(streams);
    }

    /** @return output channels per stream */
    public int channels() {
        return config.outChannels();
    }

    /**
     * @return {H', W'}: the output size for an input of H x W (strided input projection, then pools)
     */
    public int[] outputSize(int height, int width) {
        int pad = (config.inputSpatial() - config.inputStride()) / 2;
        int h = (height + 2 * pad - config.inputSpatial()) / config.inputStride() + 1;
        int w = (width + 2 * pad - config.inputSpatial()) / config.inputStride() + 1;
        for (DenseBlock block : blocks) {
            h = block.pooled(h);
            w = block.pooled(w);
        }
        return new int[] {h, w};
    }

    /**
     * @param x      inputs [[N, S*I_i, H, W], ...] (stream null) or [[N, I_i, H, W], ...]
     * @param stream one stream, or null for all
     * @param state  reads and writes the blocks' temporal past
     * @return [N, S*O, H', W'] or [N, O, H', W']
     */
    public NDArray forward(List<NDArray> x, Integer stream, NetworkState state) {
        NDArray y = Groups.cat2d(x, stream == null ? streams : 1);
        for (int b = 0; b < blocks.size(); b++) {
            y = inputs.get(b).forward(y, stream, state);
            y = blocks.get(b).forward(y, stream, state);
        }
        return out.forward(y, stream, state);
    }
}
