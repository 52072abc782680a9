package io.twinloop.simulator.rig;

/**
 * What the rig sent for one session.
 *
 * @param lastFrameIndex the index in SessionStop: frames - 1, or -1 when no frame went out
 * @param stopped        whether SessionStop was published
 */
public record SessionReport(String sessionId, long frames, long eyeSamples, long treadmillSamples,
                            long lastFrameIndex, boolean stopped) {
}
