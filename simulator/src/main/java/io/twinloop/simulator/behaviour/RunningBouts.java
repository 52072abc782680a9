package io.twinloop.simulator.behaviour;

import java.util.SplittableRandom;

/**
 * Treadmill locomotion: alternating rest periods and running bouts of exponential length. Within a
 * bout the speed approaches a cruising speed drawn for the bout and fluctuates around it; at rest
 * it decays to zero with a little sensor noise.
 */
final class RunningBouts {
    private final BehaviourParameters parameters;
    private final SplittableRandom random;
    private boolean running;
    private double secondsLeftInState;
    private double targetSpeed;
    private double fluctuation;
    private double smoothSpeed;

    RunningBouts(BehaviourParameters parameters, SplittableRandom random) {
        this.parameters = parameters;
        this.random = random;
        this.secondsLeftInState = exponential(parameters.meanRestSeconds());
    }

    void step(double dt) {
        secondsLeftInState -= dt;
        if (secondsLeftInState <= 0) {
            running = !running;
            secondsLeftInState = exponential(running ? parameters.meanRunSeconds() : parameters.meanRestSeconds());
            // Log-normal cruising speed: positive, and some bouts much faster than others.
            targetSpeed = running ? parameters.meanRunSpeed() * Math.exp(0.35 * random.nextGaussian() - 0.06) : 0;
        }
        double alpha = dt / parameters.speedTimeConstant();
        smoothSpeed += alpha * (targetSpeed - smoothSpeed);
        // Ornstein-Uhlenbeck fluctuation with a 0.3 s memory, only felt while moving.
        double theta = dt / 0.3;
        fluctuation += -theta * fluctuation + Math.sqrt(2 * theta) * random.nextGaussian();
    }

    boolean running() {
        return running;
    }

    /** Belt speed in cm/s; the fluctuation scales with speed so that a still mouse reads near zero. */
    double velocity() {
        double moving = Math.min(smoothSpeed / parameters.meanRunSpeed(), 1);
        return smoothSpeed + parameters.speedNoise() * moving * fluctuation + 0.05 * fluctuation;
    }

    private double exponential(double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }
}
