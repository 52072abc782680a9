package io.twinloop.inference.model.readout;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.DerivedTensors;
import io.twinloop.inference.model.GridSampler;
import io.twinloop.inference.model.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads every unit out of the core's feature map (fnn's {@code readouts.PositionFeature}): the map is
 * sampled bilinearly at the unit's bounded position (border padding, align_corners=False), the
 * sampled channel vector is weighted by the unit's features, and a bias is added; per stream.
 *
 * <p>At inference the position is the Gaussian's mean, the same for every session and frame, so the
 * sampling grid is computed once when the readout is built.
 */
public final class PositionFeature {

    private final int units;
    private final int readouts;
    private final int channels;
    private final int streams;
    private final GaussianPosition position;
    private final TanhBound bound = new TanhBound();
    private final VanillaFeature feature;
    /** [1, U, 1, 2] bounded mean positions, the grid_sample grid */
    private final NDArray meanGrid;
    /** S x [U, R] */
    private final List<NDArray> biases = new ArrayList<>();
    /** [S, U, R] */
    private final NDArray stackedBiases;

    /**
     * @param prefix   state_dict prefix, e.g. {@code readout}
     * @param channels core channels per stream C
     * @param readouts readouts per unit R (1 for a Poisson unit)
     */
    public PositionFeature(StateDict state, String prefix, int units, int readouts, int channels, int streams) {
        this.units = units;
        this.readouts = readouts;
        this.channels = channels;
        this.streams = streams;
        this.position = new GaussianPosition(state, prefix + ".position", units);
        this.feature = new VanillaFeature(state, prefix + ".feature", units, readouts, channels, streams);
        for (int s = 0; s < streams; s++) {
            biases.add(state.take(prefix + ".biases." + s, new Shape(units, readouts), (m, sh) -> m.zeros(sh)));
        }
        this.stackedBiases = DerivedTensors.keep(state, NDArrays.stack(new NDList(biases), 0));
        this.meanGrid = DerivedTensors.keep(state, bound.apply(position.mean()).reshape(1, units, 1, 2));
    }

    public int units() {
        return units;
    }

    public GaussianPosition position() {
        return position;
    }

    /**
     * Reads out at the mean positions (inference).
     *
     * @param core   [N, S*C, H, W] (stream null) or [N, C, H, W] (one stream)
     * @param stream one stream, or null for all
     * @return [N, S, U, R] (stream null) or [N, U, R]
     */
    public NDArray forward(NDArray core, Integer stream) {
        long n = core.getShape().get(0);
        return readAt(core, meanGrid.broadcast(n, units, 1, 2), stream);
    }

    /**
     * Reads out at given positions, e.g. drawn by {@code position().sample(N)} while training.
     *
     * @param positions [N, U, 2] unbounded positions (the bound is applied here)
     */
    public NDArray forward(NDArray core, Integer stream, NDArray positions) {
        long n = core.getShape().get(0);
        return readAt(core, bound.apply(positions).reshape(n, units, 1, 2), stream);
    }

    /** @param grid [N, U, 1, 2] bounded positions */
    private NDArray readAt(NDArray core, NDArray grid, Integer stream) {
        long n = core.getShape().get(0);
        // [N, S*C, U, 1]
        NDArray sampled = GridSampler.sample(core, grid, GridSampler.Padding.BORDER);
        if (stream == null) {
            // [N, S, U, C, 1]
            NDArray perUnit = sampled.reshape(n, streams, channels, units).transpose(0, 1, 3, 2).expandDims(4);
            // [S, U, R, C] x [N, S, U, C, 1] -> [N, S, U, R]
            return feature.all().matMul(perUnit).squeeze(4).add(stackedBiases);
        }
        // [N, U, C, 1]
        NDArray perUnit = sampled.reshape(n, channels, units).transpose(0, 2, 1).expandDims(3);
        return feature.of(stream).matMul(perUnit).squeeze(3).add(biases.get(stream));
    }
}
