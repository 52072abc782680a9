package io.twinloop.inference.training;

/**
 * A batch produced a gradient that is NaN or infinite: the optimiser refused the step (nothing moved,
 * the gradients were cleared), and the trainer can skip the batch.
 */
public final class NonFiniteGradientException extends IllegalStateException {

    private final java.util.List<String> parameters;

    /** @param parameters every parameter whose gradient is not finite, in the model's order */
    public NonFiniteGradientException(java.util.List<String> parameters) {
        super("non-finite gradient for " + String.join(", ", parameters));
        this.parameters = java.util.List.copyOf(parameters);
    }

    /** @return the first parameter with a non-finite gradient */
    public String parameter() {
        return parameters.get(0);
    }

    /** @return every parameter with a non-finite gradient */
    public java.util.List<String> parameters() {
        return parameters;
    }
}
