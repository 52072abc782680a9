package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.Scalars;
import io.twinloop.inference.training.data.ClipBatch;

/**
 * fnn's {@code NetworkLoss}: runs a batch of clips through the model frame by frame from a fresh
 * state and averages the Poisson loss over sessions, units and the frames after the burn-in (the
 * burn-in frames only warm the recurrent state).
 */
final class ClipObjective {

    private final TrainableModel model;
    private final int burninFrames;

    ClipObjective(TrainableModel model, int burninFrames) {
        this.model = model;
        this.burninFrames = burninFrames;
    }

    /**
     * @param stream   the stream to run, or null for all
     * @param training model mode (sampled positions, dropout)
     * @return the scalar objective, in autograd's graph when grad mode is on
     */
    NDArray loss(ClipBatch batch, Integer stream, boolean training, NDManager manager) {
        requireFramesAfterBurnin(batch.length(), burninFrames);
        NetworkState state = NetworkState.fresh();
        NDArray sum = null;
        for (int t = 0; t < batch.length(); t++) {
            NDArray logRates = model.logRates(batch.inputs(t, manager), state, stream, training);
            if (t < burninFrames) {
                continue;
            }
            NDArray frameLoss = PoissonLoss.perUnit(logRates, batch.units(t, manager)).mean();
            sum = sum == null ? frameLoss : sum.add(frameLoss);
        }
        return Scalars.div(sum, batch.length() - burninFrames);
    }

    /** @throws IllegalArgumentException when clips of {@code length} frames leave nothing after the burn-in */
    static void requireFramesAfterBurnin(int length, int burninFrames) {
        if (length <= burninFrames) {
            throw new IllegalArgumentException("clips of " + length + " frames leave nothing after a burn-in of "
                    + burninFrames);
        }
    }
}
