package io.twinloop.simulator.behaviour;

import java.util.SplittableRandom;

/**
 * Pupil centre: fixations with a little drift, broken by saccades (fast, mostly horizontal jumps to
 * a new fixation point) that come as a Poisson process, more often while the mouse runs.
 */
final class Saccades {
    private static final double SACCADE_SECONDS = 0.04;
    private static final double DRIFT_PX = 0.15;
    private static final double DRIFT_SECONDS = 1.0;

    private final BehaviourParameters parameters;
    private final SplittableRandom random;
    private double fixationX;
    private double fixationY;
    private double fromX;
    private double fromY;
    private double saccadeElapsed = Double.POSITIVE_INFINITY;
    private double driftX;
    private double driftY;
    private long count;

    Saccades(BehaviourParameters parameters, SplittableRandom random) {
        this.parameters = parameters;
        this.random = random;
        this.fixationX = parameters.eyeCentreX();
        this.fixationY = parameters.eyeCentreY();
    }

    void step(double dt, boolean running) {
        double rate = running ? parameters.runSaccadeRate() : parameters.restSaccadeRate();
        if (saccadeElapsed >= SACCADE_SECONDS && random.nextDouble() < rate * dt) {
            fromX = x();
            fromY = y();
            // The new target is drawn around the straight-ahead position, so the eye does not wander off.
            fixationX = parameters.eyeCentreX() + parameters.saccadeSpreadX() * random.nextGaussian();
            fixationY = parameters.eyeCentreY() + parameters.saccadeSpreadY() * random.nextGaussian();
            saccadeElapsed = 0;
            count++;
        } else {
            saccadeElapsed += dt;
        }
        double theta = dt / DRIFT_SECONDS;
        double kick = DRIFT_PX * Math.sqrt(2 * theta);
        driftX += -theta * driftX + kick * random.nextGaussian();
        driftY += -theta * driftY + kick * random.nextGaussian();
    }

    double x() {
        return along(fromX, fixationX) + driftX;
    }

    double y() {
        return along(fromY, fixationY) + driftY;
    }

    /** Saccades made so far. */
    long count() {
        return count;
    }

    private double along(double from, double to) {
        double progress = Math.min(saccadeElapsed / SACCADE_SECONDS, 1);
        return from + progress * (to - from);
    }
}
