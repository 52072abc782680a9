package io.twinloop.inference.training;

import io.twinloop.inference.model.NoGrad;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every optimiser of fnn-attributed parameters shares: per step, each parameter's gradient is multiplied
 * by its gradient scale, a non-finite gradient is refused or dropped, the global norm is measured, and the
 * subclass's update rule moves the parameter; then the gradient is cleared. A parameter whose gradient is all
 * zero is skipped entirely, as fnn skips a parameter whose gradient is None (the streams not drawn for a batch,
 * the other mice's readouts in a cohort batch): its state does not advance.
 */
public abstract class Optimiser {

    /**
     * @param gradientNorm     global L2 norm of the scaled gradients before clipping
     * @param parametersMoved  parameters that had a gradient and were updated
     * @param droppedGradients parameters whose non-finite gradient was dropped (not moved)
     */
    public record StepReport(double gradientNorm, int parametersMoved, List<String> droppedGradients) {
    }

    /** holds the optimiser's per-parameter state for its whole life */
    protected final NDManager manager;

    protected Optimiser(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Updates every parameter in place from its gradient and clears the gradients.
     *
     * @throws NonFiniteGradientException naming the parameter when a gradient is not finite; then no
     *                                    parameter has moved and every gradient is cleared
     */
    public StepReport step(List<TrainableParameter> parameters, double learningRate) {
        return step(parameters, learningRate, false);
    }

    /**
     * As {@link #step(List, double)}, optionally dropping non-finite gradients instead of refusing the step:
     * a parameter whose gradient is NaN or infinite keeps its value and state for this step (its gradient
     * is cleared and it is listed in the report); the others step as usual.
     */
    public StepReport step(List<TrainableParameter> parameters, double learningRate, boolean dropNonFinite) {
        double squaredNorm = 0;
        int moved = 0;
        List<String> nonFinite = new ArrayList<>();
        try (NoGrad noGrad = new NoGrad(); NDScope scope = new NDScope()) {
            List<TrainableParameter> withGradient = new ArrayList<>();
            List<NDArray> gradients = new ArrayList<>();
            List<NDArray> scaled = new ArrayList<>();
            for (TrainableParameter p : parameters) {
                NDArray grad = p.value().getGradient();
                if (grad.eq(0).all().getBoolean()) {
                    continue;
                }
                NDArray g = grad.mul(p.gradientScale());
                double squares = g.square().sum().getFloat();
                if (!Double.isFinite(squares)) {
                    nonFinite.add(p.name());
                    continue;
                }
                squaredNorm += squares;
                withGradient.add(p);
                gradients.add(grad);
                scaled.add(g);
            }
            if (!nonFinite.isEmpty()) {
                if (!dropNonFinite) {
                    clearGradients(parameters);
                    throw new NonFiniteGradientException(nonFinite);
                }
                clearGradients(parameters.stream().filter(p -> nonFinite.contains(p.name())).toList());
            }
            for (int i = 0; i < withGradient.size(); i++) {
                update(withGradient.get(i), scaled.get(i), learningRate);
                gradients.get(i).subi(gradients.get(i));
                moved++;
            }
        }
        return new StepReport(Math.sqrt(squaredNorm), moved, List.copyOf(nonFinite));
    }

    /**
     * Moves {@code p} in place. Runs inside the step's {@link NDScope}: arrays kept across steps must go
     * through {@link #keep(NDArray)}.
     *
     * @param scaledGradient the parameter's gradient times its gradient scale, finite and not all zero
     */
    protected abstract void update(TrainableParameter p, NDArray scaledGradient, double learningRate);

    /**
     * @return the per-parameter state by key (live arrays; copy before changing them); a checkpoint saves it
     *         under {@code momentum/}
     */
    public abstract Map<String, NDArray> state();

    /** Replaces the state, e.g. from a checkpoint; the arrays move into this optimiser's manager. */
    public abstract void restore(Map<String, NDArray> state);

    /** Replaces what {@code held} holds by {@code saved}, closing the old arrays; the saved ones move here. */
    protected void replace(Map<String, NDArray> held, Map<String, NDArray> saved) {
        held.values().forEach(NDArray::close);
        held.clear();
        for (Map.Entry<String, NDArray> e : saved.entrySet()) {
            NDArray value = e.getValue();
            value.attach(manager);
            held.put(e.getKey(), value);
        }
    }

    /** @return {@code array}, taken out of the step's scope and held by this optimiser */
    protected NDArray keep(NDArray array) {
        NDScope.unregister(array);
        array.attach(manager);
        return array;
    }

    private static void clearGradients(List<TrainableParameter> parameters) {
        for (TrainableParameter p : parameters) {
            // filled, not subtracted from itself: NaN - NaN stays NaN
            p.value().getGradient().set(new NDIndex("..."), 0f);
        }
    }
}
