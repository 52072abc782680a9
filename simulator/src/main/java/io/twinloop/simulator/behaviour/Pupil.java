package io.twinloop.simulator.behaviour;

import java.util.SplittableRandom;

/**
 * Pupil size: arousal rises while the mouse runs and falls when it stops, with a lag of a second or
 * two, and the pupil dilates with arousal; slow fluctuations unrelated to running ride on top.
 */
final class Pupil {
    private static final double FLUCTUATION_SECONDS = 4;

    private final BehaviourParameters parameters;
    private final SplittableRandom random;
    private double arousal;
    private double fluctuation;

    Pupil(BehaviourParameters parameters, SplittableRandom random) {
        this.parameters = parameters;
        this.random = random;
    }

    void step(double dt, boolean running) {
        arousal += dt / parameters.arousalTimeConstant() * ((running ? 1 : 0) - arousal);
        double theta = dt / FLUCTUATION_SECONDS;
        fluctuation += -theta * fluctuation + Math.sqrt(2 * theta) * random.nextGaussian();
    }

    /** Arousal in [0, 1]: 0 after a long rest, 1 after a long run. */
    double arousal() {
        return arousal;
    }

    double radius() {
        double radius = parameters.pupilBaseRadius() + parameters.pupilRunningDilation() * arousal
                + parameters.pupilNoise() * fluctuation;
        return Math.max(radius, 0.25 * parameters.pupilBaseRadius());
    }
}
