package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.training.data.FrameInputs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small recurrent linear-nonlinear-Poisson model with fnn's module layout, for training tests:
 * a "core" leaky integrator of the flattened frame, {@code s_t = leak * s_{t-1} + W x_t} ([N, K]),
 * and per-mouse "modulation" and "readout" parts, {@code log rate = R s_t + V m_t + b} ([N, U]).
 * Its true parameters generate the synthetic recordings ({@link SyntheticRecording}), so tests can
 * check that training lowers the loss and that a frozen-core fit recovers the readout. In training
 * mode it adds a per-sequence random offset to the log rates, drawn on the fresh state from the
 * engine's RNG, as fnn's readout samples its positions; so a resumed run matches an uninterrupted
 * one only if the engine's RNG is seeded per epoch.
 */
final class RecurrentLnpModel implements TrainableModel {

    static final String STATE = "core.s";
    /** per-sequence draw in training mode, standing in for fnn's sampled readout positions */
    static final String JITTER = "readout.jitter";
    private static final float JITTER_STD = 0.05f;

    private final Map<String, NDArray> tensors = new LinkedHashMap<>();
    private final List<TrainableParameter> parameters;

    /** @param values fnn-style keys core.weight [K, D], core.leak [K], modulation.weight [U, M], readout.weight [U, K], readout.bias [U] */
    RecurrentLnpModel(NDManager manager, Map<String, float[]> values, int pixels, int features, int units, int modulations) {
        put(manager, "core.weight", values, new Shape(features, pixels));
        put(manager, "core.leak", values, new Shape(features));
        put(manager, "modulation.weight", values, new Shape(units, modulations));
        put(manager, "readout.weight", values, new Shape(units, features));
        put(manager, "readout.bias", values, new Shape(units));
        // fnn's attributes: per-unit readout gradients scaled by the unit count, no decay on leak and bias,
        // weights clipped per output row
        parameters = List.of(
                new TrainableParameter("core.weight", tensors.get("core.weight"), 1f, true, new int[] {1}),
                new TrainableParameter("core.leak", tensors.get("core.leak"), 1f, false, null),
                new TrainableParameter("modulation.weight", tensors.get("modulation.weight"), units, true, new int[] {1}),
                new TrainableParameter("readout.weight", tensors.get("readout.weight"), units, true, new int[] {1}),
                new TrainableParameter("readout.bias", tensors.get("readout.bias"), units, false, null));
    }

    private void put(NDManager manager, String key, Map<String, float[]> values, Shape shape) {
        tensors.put(key, manager.create(values.get(key), shape));
    }

    NDArray tensor(String key) {
        return tensors.get(key);
    }

    @Override
    public List<TrainableParameter> parameters() {
        return parameters;
    }

    @Override
    public int streams() {
        return 1;
    }

    @Override
    public NDArray logRates(FrameInputs inputs, NetworkState state, Integer stream, boolean training) {
        NDArray x = inputs.stimulus().reshape(inputs.stimulus().getShape().get(0), -1);
        NDArray drive = x.matMul(tensors.get("core.weight").transpose());
        NDArray past = state.get(STATE);
        NDArray s = past == null ? drive : past.mul(tensors.get("core.leak")).add(drive);
        state.put(STATE, s);
        NDArray logRates = s.matMul(tensors.get("readout.weight").transpose())
                .add(inputs.modulation().matMul(tensors.get("modulation.weight").transpose()))
                .add(tensors.get("readout.bias"));
        if (!training) {
            return logRates;
        }
        NDArray jitter = state.get(JITTER);
        if (jitter == null) {
            jitter = x.getManager().randomNormal(0, JITTER_STD, logRates.getShape(), DataType.FLOAT32);
            state.put(JITTER, jitter);
        }
        return logRates.add(jitter);
    }
}
