package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.training.data.FrameInputs;

import java.util.List;

/**
 * What the {@link Trainer} needs of a model: its parameters and one recurrent frame step that
 * returns log rates. The fnn network offers it as: parameters from its StateDict with fnn's
 * attributes, {@code logRates} = fnn's {@code Network._raw(...)} squeezed to [N, U].
 */
public interface TrainableModel {

    /** @return every parameter, in a fixed order, keyed as in the fnn state_dict */
    List<TrainableParameter> parameters();

    /** @return number of streams (fnn trains one stream per batch, drawn at random) */
    int streams();

    /**
     * Steps the model by one frame.
     *
     * @param inputs   the frame of a batch of N clips
     * @param state    the recurrent state, fresh on the first frame of a clip; the model reads its
     *                 past and writes its new state here. In training mode the model samples what
     *                 it samples once per sequence (readout positions from their Gaussian) on the
     *                 fresh state and keeps the draw in the state.
     * @param stream   the stream to run, or null for all streams averaged in log space
     * @param training true in training (sample positions, dropout), false at inference (mean
     *                 positions)
     * @return [N, U] log rates (exp of them are the predicted responses)
     */
    NDArray logRates(FrameInputs inputs, NetworkState state, Integer stream, boolean training);
}
