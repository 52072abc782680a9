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
 * {@code <prefix>.weights.<s>} [U, R, C].
 */
public final class VanillaFeature {

    /** S x [U, R, C] */
    private final List<NDArray> weights = new ArrayList<>();
    /** [S, U, R, C] */
    private final NDArray stacked;

    /**
     * @param prefix   state_dict prefix, e.g. {@code readout.feature}
     * @param channels core channels per stream C
     * @param readouts readouts per unit R
     */
    public VanillaFeature(StateDict state, String prefix, int units, int readouts, int channels, int streams) {
        Shape shape = new Shape(units, readouts, channels);
        for (int s = 0; s < streams; s++) {
            weights.add(state.take(prefix + ".weights." + s, shape, (m, sh) -> m.zeros(sh)));
        }
        this.stacked = DerivedTensors.keep(state, NDArrays.stack(new NDList(weights), 0));
    }

    /** @return [S, U, R, C] the weights of all streams */
    public NDArray all() {
        return stacked;
    }

    /** @return [U, R, C] the weights of one stream */
    public NDArray of(int stream) {
        return weights.get(stream);
    }
}
