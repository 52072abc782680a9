package io.twinloop.simulator.stimuli;

import java.util.Arrays;

/** Mapping of contrast to displayable luminance: mean gray 0.5, clipped to [0, 1]. */
public final class Luminance {
    /** The background every domain returns to between stimuli. */
    public static final float GRAY = 0.5f;

    private Luminance() {
    }

    public static float clip(double value) {
        return (float) (value < 0 ? 0 : Math.min(value, 1));
    }

    public static void fillGray(float[] out) {
        Arrays.fill(out, GRAY);
    }
}
