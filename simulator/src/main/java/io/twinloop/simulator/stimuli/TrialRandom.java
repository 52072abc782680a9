package io.twinloop.simulator.stimuli;

import java.util.SplittableRandom;

/**
 * Random numbers for one trial of one seeded stream. Mixing (seed, stream, trial) into an
 * independent generator is what lets a domain render any frame without replaying earlier trials.
 */
public final class TrialRandom {
    private TrialRandom() {
    }

    /** A generator for {@code trial} of the stream {@code stream} (a per-use constant) under {@code seed}. */
    public static SplittableRandom of(long seed, long stream, long trial) {
        long mixed = mix(mix(seed ^ 0x9E3779B97F4A7C15L) ^ mix(stream + 0x632BE59BD9B4E019L) ^ mix(trial * 0xC2B2AE3D27D4EB4FL + 1));
        return new SplittableRandom(mixed);
    }

    /** The SplitMix64 finaliser: a bijection that spreads every input bit over the output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Log-uniform draw in [lo, hi): equal probability per octave, as spatial frequencies are usually drawn. */
    public static double logUniform(SplittableRandom random, double lo, double hi) {
        return Math.exp(random.nextDouble(Math.log(lo), Math.log(hi)));
    }
}
