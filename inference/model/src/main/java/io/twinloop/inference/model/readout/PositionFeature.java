package io.twinloop.inference.model.readout;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.DerivedTensors;
import io.twinloop.inference.model.FixedGridSampler;
import io.twinloop.inference.model.GridSampler;
import io.twinloop.inference.model.StateDict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads every unit out of the core's feature map (fnn's {@code readouts.PositionFeature}): the map is
 * sampled bilinearly at the unit's bounded position (border padding, align_corners=False), the
 * sampled channel vector is weighted by the unit's features, and a bias is added; per stream.
 *
 * <p>At inference the position is the Gaussian's mean, the same for every session and frame, so the
 * sampling is built once, as a sparse matrix ({@link FixedGridSampler}) that samples every channel of
 * every stream and session in one product. Positions given per session (training) are sampled with
 * {@link GridSampler}.
 */
public final class PositionFeature {

    private final int units;
    private final int readouts;
    private final int channels;
    private final int streams;
    private final GaussianPosition position;
    private final TanhBound bound = new TanhBound();
    private final VanillaFeature feature;
    /** bilinear sampling at the bounded mean positions, [U, H*W] once the map's size is known */
    private final Map<List<Long>, FixedGridSampler> meanSamplers = new ConcurrentHashMap<>();
    private final NDManager manager;
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
        this.manager = state.manager();
        this.position = new GaussianPosition(state, prefix + ".position", units);
        this.feature = new VanillaFeature(state, prefix + ".feature", units, readouts, channels, streams);
        for (int s = 0; s < streams; s++) {
            biases.add(state.take(prefix + ".biases." + s, new Shape(units, readouts), (m, sh) -> m.zeros(sh)));
        }
        this.stackedBiases = DerivedTensors.keep(state, NDArrays.stack(new NDList(biases), 0));
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
        Shape shape = core.getShape();
        long n = shape.get(0);
        int s = stream == null ? streams : 1;
        FixedGridSampler sampler = meanSampler(shape.get(2), shape.get(3));
        // [H*W, S', N, C]: every pixel's channels, for all streams and sessions alike
        NDArray columns = core.reshape(n, s, channels, -1).transpose(3, 1, 0, 2).reshape(shape.get(2) * shape.get(3), -1);
        // [U*S', N, C]
        NDArray perUnit = sampler.sample(columns).reshape((long) units * s, n, channels);
        return weigh(perUnit, n, stream);
    }

    /**
     * Reads out at given positions, e.g. drawn by {@code position().sample(N)} while training.
     *
     * @param positions [N, U, 2] unbounded positions (the bound is applied here)
     */
    public NDArray forward(NDArray core, Integer stream, NDArray positions) {
        long n = core.getShape().get(0);
        int s = stream == null ? streams : 1;
        NDArray grid = bound.apply(positions).reshape(n, units, 1, 2);
        // [N, S'*C, U, 1] -> [U*S', N, C]
        NDArray sampled = GridSampler.sample(core, grid, GridSampler.Padding.BORDER);
        NDArray perUnit = sampled.reshape(n, s, channels, units).transpose(3, 1, 0, 2)
                .reshape((long) units * s, n, channels);
        return weigh(perUnit, n, stream);
    }

    /**
     * @param perUnit [U*S', N, C] every unit's sampled channels per stream and session
     * @return [N, S, U, R] (stream null) or [N, U, R]
     */
    private NDArray weigh(NDArray perUnit, long n, Integer stream) {
        if (stream == null) {
            // [U*S, N, C] x [U*S, C, R] -> [U, S, N, R] -> [N, S, U, R]
            return perUnit.matMul(feature.unitMajor()).reshape(units, streams, n, readouts).transpose(2, 1, 0, 3)
                    .add(stackedBiases);
        }
        // [U, N, C] x [U, C, R] -> [N, U, R]
        return perUnit.matMul(feature.of(stream)).transpose(1, 0, 2).add(biases.get(stream));
    }

    /**
     * Builds the sampling at the mean positions for an H x W core map now (else it is built on the first
     * frame of that size, which leaves it among the arrays a frame created).
     */
    public void prepare(long height, long width) {
        meanSampler(height, width);
    }

    /** @return the sampler at the bounded mean positions on an H x W map, built on first use */
    private FixedGridSampler meanSampler(long height, long width) {
        return meanSamplers.computeIfAbsent(List.of(height, width), k -> {
            try (NDManager scratch = manager.newSubManager()) {
                NDArray mean = position.mean().duplicate();
                mean.attach(scratch);
                return FixedGridSampler.of(bound.apply(mean), height, width, GridSampler.Padding.BORDER, manager);
            }
        });
    }
}
