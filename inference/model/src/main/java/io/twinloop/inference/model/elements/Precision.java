package io.twinloop.inference.model.elements;

import java.util.Locale;

/**
 * The arithmetic the model's convolutions run in. {@link #FP32} everywhere by default (and in every parity test);
 * {@link #BF16} computes the convolutions with bfloat16 inputs and weights and float32 accumulation, on CPUs whose
 * instruction set has bf16 dot products (AVX512-BF16 or AMX-BF16): about 2x the fp32 rate there, at a relative
 * rounding of 2^-9 per convolution output (docs/benchmarks.md has the accuracy).
 */
public enum Precision {
    FP32, BF16;

    /**
     * @param name {@code fp32} or {@code bf16} (any case)
     * @throws IllegalArgumentException in one line for any other name
     */
    public static Precision parse(String name) {
        for (Precision p : values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision '" + name + "': expected fp32 or bf16");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
