package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The parameters and buffers of a network, keyed exactly as in fnn's {@code state_dict()}
 * (e.g. {@code core.feedforward.inputs.0.weight}).
 *
 * <p>Modules take their tensors while they are built: {@link #take} checks the shape of a loaded
 * tensor, or, when the dictionary was opened for initialisation, creates it with the module's own
 * initialiser. After the network is built, {@link #requireAllUsed()} reports keys that no module
 * took, so a checkpoint of another architecture fails loudly instead of half-loading.
 */
public final class StateDict {

    /** Creates a tensor of the given shape: (manager, shape) to array. */
    public interface Initializer extends BiFunction<NDManager, Shape, NDArray> {
    }

    private final NDManager manager;
    private final Map<String, NDArray> loaded;
    private final boolean initialiseMissing;
    private final Map<String, NDArray> taken = new LinkedHashMap<>();

    private StateDict(NDManager manager, Map<String, NDArray> loaded, boolean initialiseMissing) {
        this.manager = manager;
        this.loaded = loaded;
        this.initialiseMissing = initialiseMissing;
    }

    /** A dictionary of loaded tensors: every key a module asks for must be there with its shape. */
    public static StateDict of(NDManager manager, Map<String, NDArray> tensors) {
        return new StateDict(manager, new LinkedHashMap<>(tensors), false);
    }

    /** An empty dictionary whose tensors the modules create with their initialisers. */
    public static StateDict initialise(NDManager manager) {
        return new StateDict(manager, new LinkedHashMap<>(), true);
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * @param key   fnn state_dict key
     * @param shape the shape the module expects
     * @param init  how to create the tensor when initialising (ignored when loading)
     * @return the float32 tensor
     * @throws CheckpointException naming the key if it is missing or mis-shaped
     */
    public NDArray take(String key, Shape shape, Initializer init) {
        NDArray value = loaded.get(key);
        if (value == null) {
            if (!initialiseMissing) {
                throw new CheckpointException("missing key '" + key + "' (expected shape " + shape + ")");
            }
            value = init.apply(manager, shape);
            loaded.put(key, value);
        }
        if (!value.getShape().equals(shape)) {
            throw new CheckpointException(
                    "key '" + key + "' has shape " + value.getShape() + ", the model expects " + shape);
        }
        if (value.getDataType() != DataType.FLOAT32) {
            value = value.toType(DataType.FLOAT32, false);
            loaded.put(key, value);
        }
        // a parameter lives as long as its manager, also when taken inside a scope (e.g. while building)
        NDScope.unregister(value);
        taken.put(key, value);
        return value;
    }

    /** @return a loaded tensor without taking it (null if absent): to read sizes before building */
    public NDArray peek(String key) {
        return loaded.get(key);
    }

    /** @throws CheckpointException listing every loaded key that no module took */
    public void requireAllUsed() {
        Set<String> extra = new TreeSet<>(loaded.keySet());
        extra.removeAll(taken.keySet());
        if (!extra.isEmpty()) {
            throw new CheckpointException("unexpected keys the model does not use: " + extra);
        }
    }

    /** @return every tensor a module took, in the order they were taken */
    public Map<String, NDArray> tensors() {
        return Collections.unmodifiableMap(taken);
    }
}
