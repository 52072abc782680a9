package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fnn's {@code SgdClip} optimiser ({@code fnn/train/optimizers.py}), written out because DJL's
 * PyTorch engine has no Nesterov SGD. Per parameter, in this order:
 * <ol>
 *   <li>g = grad * scale (the parameter's gradient scale)</li>
 *   <li>adaptive clipping of g ({@link AdaptiveGradientClipping})</li>
 *   <li>momentum buffer m = g on the first step, else m = momentum * m + g</li>
 *   <li>Nesterov: g = g + momentum * m; classical: g = m</li>
 *   <li>weight decay, only where the parameter allows it: g = g + decay * p</li>
 *   <li>p = p - lr * g, then the gradient is cleared</li>
 * </ol>
 * A parameter whose gradient is all zero is skipped entirely, as fnn skips a parameter whose
 * gradient is None (e.g. the streams not drawn for this batch): no momentum, no decay. The momentum
 * buffers live in the optimiser's manager and are part of a checkpoint.
 */
public final class NesterovSgd {

    /**
     * fnn's SgdClip hyperparameters other than the learning rate, which the schedule sets per epoch.
     *
     * @param decay    weight decay (L2), >= 0
     * @param momentum momentum factor in [0, 1)
     * @param nesterov Nesterov momentum instead of classical
     * @param clip     adaptive clipping factor, > 0; infinity disables clipping
     * @param eps      adaptive clipping minimum, > 0
     */
    public record Settings(double decay, double momentum, boolean nesterov, double clip, double eps) {

        public Settings {
            if (decay < 0 || momentum < 0 || momentum >= 1 || clip <= 0 || eps <= 0) {
                throw new IllegalArgumentException("need decay >= 0, 0 <= momentum < 1, clip > 0, eps > 0");
            }
        }
    }

    /**
     * @param gradientNorm    global L2 norm of the scaled gradients before clipping
     * @param parametersMoved parameters that had a gradient and were updated
     * @param droppedGradients parameters whose non-finite gradient was dropped (not moved)
     */
    public record StepReport(double gradientNorm, int parametersMoved, List<String> droppedGradients) {
    }

    private final Settings settings;
    private final NDManager manager;
    private final Map<String, NDArray> momentum = new LinkedHashMap<>();

    /** @param manager holds the momentum buffers for the life of the optimiser */
    public NesterovSgd(Settings settings, NDManager manager) {
        this.settings = settings;
        this.manager = manager;
    }

    public Settings settings() {
        return settings;
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
     * a parameter whose gradient is NaN or infinite keeps its value and momentum for this step (its gradient
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

    private static void clearGradients(List<TrainableParameter> parameters) {
        for (TrainableParameter p : parameters) {
            // filled, not subtracted from itself: NaN - NaN stays NaN
            p.value().getGradient().set(new NDIndex("..."), 0f);
        }
    }

    private void update(TrainableParameter p, NDArray scaledGradient, double learningRate) {
        NDArray g = AdaptiveGradientClipping.clip(p.value(), scaledGradient, p.normAxes(), settings.clip(), settings.eps());
        if (settings.momentum() > 0) {
            NDArray m = momentum.get(p.name());
            if (m == null) {
                m = g.duplicate();
                NDScope.unregister(m);
                m.attach(manager);
                momentum.put(p.name(), m);
            } else {
                m.muli(settings.momentum()).addi(g);
            }
            g = settings.nesterov() ? g.add(m.mul(settings.momentum())) : m;
        }
        if (settings.decay() > 0 && p.decay()) {
            g = g.add(p.value().mul(settings.decay()));
        }
        p.value().subi(g.mul(learningRate));
    }

    /** @return the momentum buffers by parameter name (live arrays; copy before changing them) */
    public Map<String, NDArray> momentumBuffers() {
        return Collections.unmodifiableMap(momentum);
    }

    /** Replaces the momentum buffers, e.g. from a checkpoint; the arrays move into this optimiser's manager. */
    public void restoreMomentum(Map<String, NDArray> buffers) {
        momentum.values().forEach(NDArray::close);
        momentum.clear();
        for (Map.Entry<String, NDArray> e : buffers.entrySet()) {
            NDArray m = e.getValue();
            m.attach(manager);
            momentum.put(e.getKey(), m);
        }
    }
}
