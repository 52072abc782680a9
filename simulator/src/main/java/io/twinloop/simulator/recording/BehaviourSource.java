package io.twinloop.simulator.recording;

/** The animal's behaviour for one trial (eye tracking and treadmill at their own rates). */
@FunctionalInterface
public interface BehaviourSource {

    /** @return samples covering at least {@code [0, seconds]}, reproducible from {@code seed} */
    TrialBehaviour trial(long seed, double seconds);
}
