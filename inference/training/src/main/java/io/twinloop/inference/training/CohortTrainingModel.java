package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.training.data.FrameInputs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cohort of mice on one shared core (the paper's foundation core): every mouse has its own
 * perspective, modulation and readout, and all of them feed the same core tensors, so that a batch of
 * any mouse trains the core and its own head.
 *
 * <p>Parameters are named as in fnn's state dict for the core ({@code core.*}) and prefixed with the
 * mouse for the heads ({@code <mouse>:perspective.*}, a name that is also a file name), so that freezing {@code core} works as for one
 * mouse. A batch runs the head of the mouse its clips come from ({@link FrameInputs#group()}).
 */
public final class CohortTrainingModel implements TrainableModel {

    public static final String CORE = "core";
    /** between a mouse's name and its head parameter's fnn key */
    public static final String HEAD_SEPARATOR = ":";

    private final Map<String, NetworkTrainingModel> mice;
    private final List<TrainableParameter> parameters = new ArrayList<>();

    /**
     * @param mice each mouse's model, all built on the same core tensors (the same {@code core.*} arrays)
     * @throws IllegalArgumentException when a mouse's core is not the first mouse's
     */
    public CohortTrainingModel(Map<String, NetworkTrainingModel> mice) {
        if (mice.isEmpty()) {
            throw new IllegalArgumentException("a cohort needs at least one mouse");
        }
        this.mice = new LinkedHashMap<>(mice);
        NetworkTrainingModel first = mice.values().iterator().next();
        for (Map.Entry<String, NetworkTrainingModel> mouse : mice.entrySet()) {
            mouse.getValue().tensors().forEach((key, value) -> {
                if (isCore(key) && first.tensors().get(key) != value) {
                    throw new IllegalArgumentException("mouse " + mouse.getKey() + " has its own " + key
                            + "; the cohort's mice must share the core tensors");
                }
            });
        }
        first.parameters().stream().filter(p -> isCore(p.name())).forEach(parameters::add);
        mice.forEach((name, model) -> model.parameters().stream().filter(p -> !isCore(p.name()))
                .map(p -> new TrainableParameter(name + HEAD_SEPARATOR + p.name(), p.value(), p.gradientScale(), p.decay(),
                        p.normAxes()))
                .forEach(parameters::add));
    }

    /** @return each mouse's model, by name */
    public Map<String, NetworkTrainingModel> mice() {
        return Collections.unmodifiableMap(mice);
    }

    @Override
    public List<TrainableParameter> parameters() {
        return parameters;
    }

    @Override
    public int streams() {
        return mice.values().iterator().next().streams();
    }

    @Override
    public NDArray logRates(FrameInputs inputs, NetworkState state, Integer stream, boolean training) {
        NetworkTrainingModel mouse = mice.get(inputs.group());
        if (mouse == null) {
            throw new IllegalArgumentException("no mouse '" + inputs.group() + "' in the cohort " + mice.keySet());
        }
        return mouse.logRates(inputs, state, stream, training);
    }

    private static boolean isCore(String key) {
        return key.startsWith(CORE + ".");
    }
}
