package io.twinloop.simulator.rig;

import io.twinloop.simulator.behaviour.BehaviourParameters;
import io.twinloop.simulator.behaviour.BehaviourStatistics;
import io.twinloop.simulator.stimuli.DomainKind;
import io.twinloop.simulator.stimuli.StimulusDomain;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One session the rig runs: which mouse and model, what it shows, how the mouse behaves, and how
 * many frames ({@link #UNTIL_STOPPED} to run until the simulator is stopped).
 *
 * @param standardisation the statistics declared in SessionStart (the mouse's, not this session's)
 */
public record SessionPlan(String sessionId, String mouseId, String modelId, StimulusDomain stimulus,
                          BehaviourParameters behaviour, BehaviourStatistics standardisation,
                          long seed, long frames) {
    public static final long UNTIL_STOPPED = Long.MAX_VALUE;

    public SessionPlan {
        if (sessionId == null || sessionId.isEmpty() || frames < 0) {
            throw new IllegalArgumentException("session needs an id and a frame count >= 0");
        }
    }

    /**
     * A session of the default mouse behaviour, showing {@code kind} generated from {@code seed};
     * the standardisation is estimated from ten simulated minutes of this mouse (seeded by its id).
     */
    public static SessionPlan of(String sessionId, String mouseId, String modelId, DomainKind kind,
                                 long seed, long frames) {
        BehaviourStatistics statistics = BehaviourStatistics.standard(mouseSeed(mouseId));
        return new SessionPlan(sessionId, mouseId, modelId, kind.create(seed), BehaviourParameters.DEFAULT,
                statistics, seed, frames);
    }

    /** Frames that fill {@code duration} at the stimulus's frame rate. */
    public static long framesFor(Duration duration, double frameRateHz) {
        return Math.round(duration.toNanos() / 1e9 * frameRateHz);
    }

    private static long mouseSeed(String mouseId) {
        long hash = 1125899906842597L;
        for (byte b : mouseId.getBytes(StandardCharsets.UTF_8)) {
            hash = 31 * hash + b;
        }
        return hash;
    }
}
