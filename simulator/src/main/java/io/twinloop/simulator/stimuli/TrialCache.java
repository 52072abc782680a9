package io.twinloop.simulator.stimuli;

import java.util.function.LongFunction;

/**
 * Remembers what was built for the latest trial (a texture, a scene), because consecutive frames
 * almost always belong to the same trial and building it is the expensive part.
 */
final class TrialCache<T> {
    private final LongFunction<T> builder;
    private long trial = Long.MIN_VALUE;
    private T value;

    TrialCache(LongFunction<T> builder) {
        this.builder = builder;
    }

    T get(long trialIndex) {
        if (trialIndex != trial || value == null) {
            value = builder.apply(trialIndex);
            trial = trialIndex;
        }
        return value;
    }
}
