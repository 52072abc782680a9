package io.twinloop.simulator.recording;

/**
 * How a recording was made, saved as {@code twinloop/session.json}.
 *
 * @param seed        master seed: the same seed and plan give the same recording
 * @param plan        the session plan
 * @param frameRateHz frames per second
 * @param height      frame height, pixels, as shown
 * @param width       frame width, pixels, as shown
 * @param units       recorded neurons
 * @param trials      trials in the session
 */
public record SessionManifest(long seed, RecordingPlan plan, double frameRateHz, int height, int width, int units,
                              int trials) {
}
