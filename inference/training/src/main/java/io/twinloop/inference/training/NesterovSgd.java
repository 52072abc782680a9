package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Collections;
import java.util.LinkedHashMap;
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
public final class NesterovSgd extends Optimiser {

    /**
     * fnn's SgdClip hyperparameters other than the learning rate, which the schedule sets per epoch.
     *
     * @param decay    weight decay (L2), >= 0
     * @param momentum momentum factor in [0, 1)
     * @param nesterov Nesterov momentum instead of classical
     * @param clip     adaptive clipping factor, > 0; infinity disables clipping
     * @param eps      adaptive clipping minimum, > 0
     */
    public record Settings(double decay, double momentum, boolean nesterov, double clip, double eps)
            implements OptimiserSettings {

        public Settings {
            if (decay < 0 || momentum < 0 || momentum >= 1 || clip <= 0 || eps <= 0) {
                throw new IllegalArgumentException("need decay >= 0, 0 <= momentum < 1, clip > 0, eps > 0");
            }
        }

        @Override
        public String describe() {
            return (nesterov ? "SGD with Nesterov momentum " : "SGD with momentum ") + momentum
                    + " (adaptive clip " + clip
                    + ", eps " + eps + "; decay " + decay + ")";
        }

        @Override
        public NesterovSgd create(NDManager manager) {
            return new NesterovSgd(this, manager);
        }
    }

    private final Settings settings;
    private final Map<String, NDArray> momentum = new LinkedHashMap<>();

    /** @param manager holds the momentum buffers for the life of the optimiser */
    public NesterovSgd(Settings settings, NDManager manager) {
        super(manager);
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    protected void update(TrainableParameter p, NDArray scaledGradient, double learningRate) {
        NDArray g = AdaptiveGradientClipping.clip(p.value(), scaledGradient, p.normAxes(), settings.clip(), settings.eps());
        if (settings.momentum() > 0) {
            NDArray m = momentum.get(p.name());
            if (m == null) {
                m = keep(g.duplicate());
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
    @Override
    public Map<String, NDArray> state() {
        return Collections.unmodifiableMap(momentum);
    }

    /** Replaces the momentum buffers, e.g. from a checkpoint; the arrays move into this optimiser's manager. */
    @Override
    public void restore(Map<String, NDArray> buffers) {
        for (String key : buffers.keySet()) {
            if (key.contains("@")) {
                throw new IllegalArgumentException("optimiser state '" + key + "' is not SGD momentum: the run was"
                        + " trained with Adam; resume it with Adam");
            }
        }
        replace(momentum, buffers);
    }
}
