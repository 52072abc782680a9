package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba 2015) with decoupled weight decay (AdamW, Loshchilov &amp; Hutter 2019), for runs too short
 * for fnn's SGD: Adam moves every weight by about the learning rate whatever the scale of its gradient, where
 * SGD's step is the gradient's size. Per parameter, after {@link Optimiser}'s gradient scale:
 * <ol>
 *   <li>t = t + 1 (counted per parameter: a parameter without a gradient, e.g. another mouse's readout in a cohort
 *       batch, does not advance)</li>
 *   <li>m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2</li>
 *   <li>p = p - lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)</li>
 *   <li>weight decay, only where the parameter allows it: p = p - lr decay p</li>
 * </ol>
 * The state is saved per parameter as {@code <name>@first}, {@code <name>@second} and {@code <name>@steps}.
 */
public final class Adam extends Optimiser {

    static final String FIRST = "@first";
    static final String SECOND = "@second";
    static final String STEPS = "@steps";

    /**
     * @param decay decoupled weight decay, >= 0
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @param eps   added to the second moment's root, > 0
     */
    public record Settings(double decay, double beta1, double beta2, double eps) implements OptimiserSettings {

        public Settings {
            if (decay < 0 || beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || eps <= 0) {
                throw new IllegalArgumentException("need decay >= 0, 0 <= beta1, beta2 < 1 and eps > 0");
            }
        }

        /** Kingma &amp; Ba's defaults (0.9, 0.999, 1e-8), no weight decay. */
        public static Settings defaults() {
            return new Settings(0, 0.9, 0.999, 1e-8);
        }

        @Override
        public String describe() {
            return "Adam (betas " + beta1 + ", " + beta2 + "; eps " + eps + "; decay " + decay + ")";
        }

        @Override
        public Adam create(NDManager manager) {
            return new Adam(this, manager);
        }
    }

    private final Settings settings;
    private final Map<String, NDArray> state = new LinkedHashMap<>();

    public Adam(Settings settings, NDManager manager) {
        super(manager);
        this.settings = settings;
    }

    @Override
    protected void update(TrainableParameter p, NDArray scaledGradient, double learningRate) {
        NDArray first = state.get(p.name() + FIRST);
        if (first == null) {
            first = keep(scaledGradient.zerosLike());
            state.put(p.name() + FIRST, first);
            state.put(p.name() + SECOND, keep(scaledGradient.zerosLike()));
            state.put(p.name() + STEPS, keep(manager.zeros(new Shape(1))));
        }
        NDArray second = state.get(p.name() + SECOND);
        NDArray steps = state.get(p.name() + STEPS);
        steps.addi(1);
        double t = steps.getFloat();
        first.muli(settings.beta1()).addi(scaledGradient.mul(1 - settings.beta1()));
        second.muli(settings.beta2()).addi(scaledGradient.square().mul(1 - settings.beta2()));
        double firstCorrection = 1 - Math.pow(settings.beta1(), t);
        double secondCorrection = 1 - Math.pow(settings.beta2(), t);
        NDArray step = first.div(firstCorrection).div(second.div(secondCorrection).sqrt().add(settings.eps()));
        if (settings.decay() > 0 && p.decay()) {
            p.value().subi(p.value().mul(learningRate * settings.decay()));
        }
        p.value().subi(step.mul(learningRate));
    }

    @Override
    public Map<String, NDArray> state() {
        return Collections.unmodifiableMap(state);
    }

    @Override
    public void restore(Map<String, NDArray> saved) {
        for (String key : saved.keySet()) {
            if (!key.endsWith(FIRST) && !key.endsWith(SECOND) && !key.endsWith(STEPS)) {
                throw new IllegalArgumentException("optimiser state '" + key + "' is not Adam's: the run was trained"
                        + " with SGD; resume it with SGD");
            }
        }
        replace(state, saved);
    }
}
