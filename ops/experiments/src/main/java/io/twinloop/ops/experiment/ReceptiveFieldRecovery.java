package io.twinloop.ops.experiment;

import io.twinloop.inference.checkpoint.TensorData;
import io.twinloop.inference.checkpoint.TwinloopCheckpoint;
import io.twinloop.inference.model.network.Network;
import io.twinloop.ops.validation.Pearson;
import io.twinloop.simulator.mouse.GroundTruth;
import io.twinloop.simulator.mouse.NeuronTuning;

import java.util.List;

/**
 * Whether a fitted twin reads each unit where its receptive field is: the Pearson correlation, over units, of the
 * readout's mean position ({@code readout.position.mu}, [U, 2] as (x, y) on the core's map, -1 to 1) with the
 * synthetic mouse's true receptive-field centre on the screen, per axis.
 *
 * <p>The retina keeps the screen's orientation (x to the right, y down) and the map keeps the retina's, so a twin
 * that localises its units scores near 1 on both axes; a core whose map cells do not see distinct parts of the
 * screen leaves the positions where the start put them and scores near 0. It is measured without any stimulus, so
 * it says whether a core can transfer before a single test clip is scored.
 *
 * @param horizontal r of position x with the centre's screen x
 * @param vertical   r of position y with the centre's screen y
 */
public record ReceptiveFieldRecovery(double horizontal, double vertical) {

    /** @throws IllegalArgumentException when the model and the ground truth disagree on the number of units */
    public static ReceptiveFieldRecovery of(TwinloopCheckpoint model, GroundTruth truth) {
        TensorData mu = model.tensors().get(Network.POSITION_MEAN_KEY);
        if (mu == null) {
            throw new IllegalArgumentException("the model has no " + Network.POSITION_MEAN_KEY);
        }
        return of(mu.floats(), truth.neurons());
    }

    /**
     * @param xy      [U, 2] mean readout positions, flattened
     * @param neurons the true tuning of the same U units, in the same order
     */
    public static ReceptiveFieldRecovery of(float[] xy, List<NeuronTuning> neurons) {
        int units = xy.length / 2;
        if (xy.length % 2 != 0 || units != neurons.size()) {
            throw new IllegalArgumentException("the model reads " + units + " units, the ground truth has "
                    + neurons.size());
        }
        double[] px = new double[units];
        double[] py = new double[units];
        double[] cx = new double[units];
        double[] cy = new double[units];
        for (int u = 0; u < units; u++) {
            px[u] = xy[2 * u];
            py[u] = xy[2 * u + 1];
            cx[u] = neurons.get(u).centreX();
            cy[u] = neurons.get(u).centreY();
        }
        return new ReceptiveFieldRecovery(Pearson.correlation(px, cx), Pearson.correlation(py, cy));
    }
}
