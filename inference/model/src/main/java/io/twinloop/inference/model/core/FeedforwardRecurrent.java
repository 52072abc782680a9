package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.core.RecurrentConfig.ConvLstmConfig;
import io.twinloop.inference.model.core.RecurrentConfig.CvtLstmConfig;
import io.twinloop.inference.model.core.RecurrentConfig.RvtConfig;

import java.util.List;

/**
 * fnn's {@code cores.FeedforwardRecurrent}: the perspective goes through the feedforward
 * ({@link InputDense}, {@code <path>.feedforward}); its features and the modulation (as a 1 x 1 map) go
 * into the recurrent ({@link CvtLstm}, {@link ConvLstm} or {@link Rvt}, {@code <path>.recurrent}).
 *
 * <pre>{@code
 * Core core = new FeedforwardRecurrent(CoreConfig.published(), 4, 1, 16, StateDict.of(manager, tensors), "core");
 * NetworkState state = NetworkState.fresh();
 * NDArray features = core.forward(perspective, modulation, null, state);   // [N, 4*128, H/8, W/8]
 * }</pre>
 */
public final class FeedforwardRecurrent implements Core {

    private final int streams;
    private final InputDense feedforward;
    private final Recurrent recurrent;

    /**
     * @param config              hyperparameters
     * @param streams             S (4 in the published network)
     * @param perspectiveChannels P, perspective channels per stream (1: grayscale)
     * @param modulationFeatures  M, modulation features per stream (16 in the published network)
     * @param params              parameters, keyed as fnn's state_dict
     * @param path                this module's path, {@code "core"} in a network
     */
    public FeedforwardRecurrent(CoreConfig config, int streams, int perspectiveChannels, int modulationFeatures,
                                StateDict params, String path) {
        this.streams = streams;
        this.feedforward = new InputDense(config.feedforward(), List.of(perspectiveChannels), streams, params,
                path + ".feedforward");
        List<Integer> recurrentInputs = List.of(feedforward.channels(), modulationFeatures);
        String recurrentPath = path + ".recurrent";
        if (config.recurrent() instanceof CvtLstmConfig c) {
            this.recurrent = new CvtLstm(c, recurrentInputs, streams, params, recurrentPath);
        } else if (config.recurrent() instanceof ConvLstmConfig c) {
            this.recurrent = new ConvLstm(c, recurrentInputs, streams, params, recurrentPath);
        } else if (config.recurrent() instanceof RvtConfig c) {
            this.recurrent = new Rvt(c, recurrentInputs, streams, params, recurrentPath);
        } else {
            throw new IllegalArgumentException("unknown recurrent " + config.recurrent());
        }
    }

    @Override
    public int channels() {
        return recurrent.channels();
    }

    @Override
    public int streams() {
        return streams;
    }

    @Override
    public int[] outputSize(int height, int width) {
        return feedforward.outputSize(height, width);
    }

    /** @return the feedforward network alone (e.g. to test it) */
    public InputDense feedforward() {
        return feedforward;
    }

    @Override
    public NDArray forward(NDArray perspective, NDArray modulation, Integer stream, NetworkState state) {
        NDArray features = feedforward.forward(List.of(perspective), stream, state);
        long n = modulation.getShape().get(0);
        NDArray m = modulation.reshape(n, -1, 1, 1);
        return recurrent.forward(List.of(features, m), stream, state);
    }
}
