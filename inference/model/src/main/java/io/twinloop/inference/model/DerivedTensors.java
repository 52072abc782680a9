package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Tensors a module derives from its parameters once, when it is built (e.g. a normalised weight),
 * and uses at every frame: they must live as long as the parameters, not as long as a frame.
 */
public final class DerivedTensors {

    private DerivedTensors() {
    }

    /** Attaches {@code derived} to the parameters' manager and out of any open {@link NDScope}. */
    public static NDArray keep(StateDict state, NDArray derived) {
        NDScope.unregister(derived);
        derived.attach(state.manager());
        return derived;
    }
}
