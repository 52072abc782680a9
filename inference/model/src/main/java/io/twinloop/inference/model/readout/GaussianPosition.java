package io.twinloop.inference.model.readout;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.StateDict;

/**
 * Each unit's receptive-field position on the core's feature map, a 2D Gaussian (fnn's
 * {@code positions.Gaussian}): mean {@code mu} [U, 2] and scale {@code sigma} [U, 2, 2], in the
 * unbounded coordinates that {@link TanhBound} maps onto the map. Inference reads at the mean;
 * training samples a position per session once per sequence.
 */
public final class GaussianPosition {

    /** fnn's init_std: sigma starts as 0.4 * identity */
    private static final float INIT_STD = 0.4f;

    private final int units;
    /** [U, 2] */
    private final NDArray mu;
    /** [U, 2, 2] */
    private final NDArray sigma;

    /** @param prefix state_dict prefix, e.g. {@code readout.position} */
    public GaussianPosition(StateDict state, String prefix, int units) {
        this.units = units;
        this.mu = state.take(prefix + ".mu", new Shape(units, 2), (m, s) -> m.zeros(s));
        this.sigma = state.take(prefix + ".sigma", new Shape(units, 2, 2),
                (m, s) -> m.eye(2).mul(INIT_STD).broadcast(s).duplicate());
    }

    public int units() {
        return units;
    }

    /** @return [U, 2] the mean positions, used at inference */
    public NDArray mean() {
        return mu;
    }

    /**
     * Draws one position per unit and session: mu + sigma · e with e ~ N(0, I).
     *
     * @param batchSize N
     * @return [N, U, 2]
     */
    public NDArray sample(long batchSize) {
        return sample(mu.getManager().randomNormal(new Shape(batchSize, units, 2)));
    }

    /**
     * Positions from a given standard-normal draw: mu + sigma · e (fnn's {@code randn_like} draw supplied by the
     * caller, e.g. to reproduce a reference run).
     *
     * @param noise [N, U, 2] e ~ N(0, I)
     * @return [N, U, 2]
     */
    public NDArray sample(NDArray noise) {
        Shape shape = noise.getShape();
        if (shape.dimension() != 3 || shape.get(1) != units || shape.get(2) != 2) {
            throw new IllegalArgumentException("position noise must be [N, " + units + ", 2], got " + shape);
        }
        // [U, 2, 2] x [N, U, 2, 1] -> [N, U, 2, 1]
        return sigma.matMul(noise.expandDims(3)).squeeze(3).add(mu);
    }
}
