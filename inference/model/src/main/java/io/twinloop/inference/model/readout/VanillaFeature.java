package io.twinloop.inference.model.readout;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.DerivedTensors;
import io.twinloop.inference.model.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-unit feature weights over the core's channels, one set per stream (fnn's {@code features.Vanilla}):
 * {@code <prefix>.weights.<s>} [U, R, C]. Held unit-major ({@link #unitMajor()}), the layout in which
 * the readout weighs every unit's sampled channels in one batched product.
 */
public final class VanillaFeature {

    private final int streams;
    /** [U*S, C, R]: unit u, stream s at u*S + s */
    private final NDArray unitMajor;
    /** S x [U, C, R], views of {@link #unitMajor} */
    private final List<NDArray> perStream = new ArrayList<>();

    /**
     * @param prefix   state_dict prefix, e.g. {@code readout.feature}
     * @param channels core channels per stream C
     * @param readouts readouts per unit R
     */
    public VanillaFeature(StateDict state, String prefix, int units, int readouts, int channels, int streams) {
        this.streams = streams;
        Shape shape = new Shape(units, readouts, channels);
        NDList weights = new NDList(streams);
        for (int s = 0; s < streams; s++) {
            weights.add(state.take(prefix + ".weights." + s, shape, (m, sh) -> m.zeros(sh)));
        }
        // [U, S, R, C] -> [U, S, C, R]
        NDArray stacked = NDArrays.stack(weights, 1).transpose(0, 1, 3, 2);
        this.unitMajor = DerivedTensors.keep(state, stacked.reshape((long) units * streams, channels, readouts));
        NDArray byStream = unitMajor.reshape(units, streams, channels, readouts);
        for (int s = 0; s < streams; s++) {
            perStream.add(DerivedTensors.keep(state, byStream.get(":, " + s)));
        }
    }

    /** @return [U*S, C, R] the weights of all streams, unit-major (unit u, stream s at u*S + s) */
    public NDArray unitMajor() {
        return unitMajor;
    }

    /** @return [U, C, R] the weights of one stream */
    public NDArray of(int stream) {
        return perStream.get(stream);
    }

    public int streams() {
        return streams;
    }
}
