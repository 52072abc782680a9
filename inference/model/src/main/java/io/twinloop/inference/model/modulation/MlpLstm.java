package io.twinloop.inference.model.modulation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Lstm;
import io.twinloop.inference.model.elements.Mlp;
import io.twinloop.inference.model.elements.Nonlinearity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The animal's behavioural state (fnn's {@code modulations.MlpLstm}): pupil radius and treadmill
 * velocity pass through a per-stream MLP and then a per-stream LSTM, whose hidden state is the
 * modulation the core receives. The LSTM's h and c are kept in the {@link NetworkState} under
 * {@code <prefix>.lstm.h} and {@code <prefix>.lstm.c}.
 *
 * <p>Keys under {@code modulation}: {@code mlp.linears.k}, {@code lstm.proj_{i,f,g,o}}.
 */
public final class MlpLstm {

    private final Mlp mlp;
    private final Lstm lstm;

    /**
     * @param modulations modulation inputs per stream I (pupil radius, treadmill velocity: 2)
     * @param streams     S
     * @param prefix      state_dict prefix, e.g. {@code modulation}
     */
    public MlpLstm(ModulationConfig config, int modulations, int streams, StateDict state, String prefix) {
        // fnn starts the first layer at zero weights in every stream
        for (int s = 0; s < streams; s++) {
            state.take(prefix + ".mlp.linears.0.weights." + s,
                    new Shape(config.mlpFeatures(), modulations, 1, 1, 1), (m, sh) -> m.zeros(sh));
        }
        int layers = config.mlpLayers();
        List<Boolean> wnorms = new ArrayList<>(Collections.nCopies(layers, true));
        wnorms.set(0, false);
        this.mlp = new Mlp(modulations, Collections.nCopies(layers, config.mlpFeatures()), wnorms,
                Collections.nCopies(layers, Nonlinearity.of(config.mlpNonlinear())), streams, state, prefix + ".mlp");
        this.lstm = new Lstm(config.mlpFeatures(), config.lstmFeatures(), streams, state, prefix + ".lstm");
    }

    /** @return modulation features per stream M */
    public int features() {
        return lstm.outFeatures();
    }

    /**
     * @param modulation [N, S*I] (stream null) or [N, I]
     * @param stream     one stream, or null for all
     * @param state      the LSTM's h and c, read and replaced
     * @return [N, S*M] or [N, M]
     */
    public NDArray forward(NDArray modulation, Integer stream, NetworkState state) {
        return lstm.forward(mlp.forward(modulation, stream), stream, state);
    }
}
