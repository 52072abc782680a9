package io.twinloop.simulator.behaviour;

import java.util.SplittableRandom;

/**
 * A simulated mouse's behaviour as a function of session time: treadmill running, pupil size that
 * follows running, and eye movements that come more often when running. The simulation runs on a
 * fixed 1 ms grid, so the trajectory depends on the seed only, not on when or how often it is read;
 * reads must not go back in time.
 */
public final class MouseBehaviour {
    private static final long STEP_MICROS = 1000;
    private static final double STEP_SECONDS = STEP_MICROS / 1e6;

    private final RunningBouts running;
    private final Pupil pupil;
    private final Saccades saccades;
    private long simulatedMicros;

    public MouseBehaviour(BehaviourParameters parameters, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        this.running = new RunningBouts(parameters, root.split());
        this.pupil = new Pupil(parameters, root.split());
        this.saccades = new Saccades(parameters, root.split());
    }

    public MouseBehaviour(long seed) {
        this(BehaviourParameters.DEFAULT, seed);
    }

    /** The state at {@code micros} after the session start (1 ms resolution); never earlier than the last read. */
    public BehaviourState at(long micros) {
        if (micros < simulatedMicros - STEP_MICROS) {
            throw new IllegalArgumentException("behaviour is read forwards only: asked for " + micros
                    + " us after reaching " + simulatedMicros + " us");
        }
        while (simulatedMicros + STEP_MICROS <= micros) {
            running.step(STEP_SECONDS);
            pupil.step(STEP_SECONDS, running.running());
            saccades.step(STEP_SECONDS, running.running());
            simulatedMicros += STEP_MICROS;
        }
        return new BehaviourState(saccades.x(), saccades.y(), pupil.radius(), running.velocity(),
                running.running(), pupil.arousal(), saccades.count());
    }
}
