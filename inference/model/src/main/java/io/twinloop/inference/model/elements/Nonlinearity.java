package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.twinloop.inference.model.Scalars;

/**
 * fnn's {@code nonlinearity(name)}: an element-wise transform and the gain {@link #gamma()} that
 * restores unit variance after it (values from the NFNets reference, as fnn uses them).
 *
 * <p>Callers apply both: {@code nonlinearity.apply(x).mul(nonlinearity.gamma())}, or use
 * {@link #applyScaled}.
 */
public enum Nonlinearity {
    /** exact (erf) GELU, {@code nn.GELU(approximate="none")} */
    GELU(1.7015043497085571),
    SILU(1.7881293296813965),
    ELU(1.2716004848480225),
    TANH(1.5939117670059204),
    /** identity ({@code nonlinear=None} in fnn) */
    NONE(1.0);

    private final double gamma;

    Nonlinearity(double gamma) {
        this.gamma = gamma;
    }

    /** @return the variance-preserving scale fnn multiplies after the transform */
    public double gamma() {
        return gamma;
    }

    /** @param name fnn's name: "gelu" | "silu" | "elu" | "tanh" | null */
    public static Nonlinearity of(String name) {
        if (name == null || name.equals("None")) {
            return NONE;
        }
        return switch (name) {
            case "gelu" -> GELU;
            case "silu" -> SILU;
            case "elu" -> ELU;
            case "tanh" -> TANH;
            default -> throw new IllegalArgumentException("nonlinearity '" + name + "' not implemented");
        };
    }

    /** @return the element-wise transform of x, any shape */
    public NDArray apply(NDArray x) {
        return switch (this) {
            case GELU -> Activation.gelu(x);
            case SILU -> Activation.swish(x, 1f);
            case ELU -> Activation.elu(x, 1f);
            case TANH -> x.tanh();
            case NONE -> x;
        };
    }

    /** @return {@code apply(x) * gamma()} */
    public NDArray applyScaled(NDArray x) {
        return this == NONE ? x : Scalars.mul(apply(x), gamma);
    }
}
