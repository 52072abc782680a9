package io.twinloop.inference.training;

/**
 * Where training stands in fnn's schedule: epoch {@code epoch} (0-based) of warm-restart cycle
 * {@code cycle}.
 */
public record SchedulePosition(int cycle, int epoch) {

    public SchedulePosition {
        if (cycle < 0 || epoch < 0) {
            throw new IllegalArgumentException("cycle and epoch must be >= 0");
        }
    }

    public static SchedulePosition start() {
        return new SchedulePosition(0, 0);
    }
}
