package io.twinloop.inference.training;

/**
 * Training stopped on request (Ctrl-C, SIGTERM) between two batches: the epoch under way is abandoned, so the
 * parameters are part-way through it; a checkpoint directory still holds the last finished epoch.
 */
public final class TrainingStoppedException extends RuntimeException {

    private final SchedulePosition position;

    /**
     * @param position the epoch that was abandoned
     * @param where    how far it had come, e.g. "after 12 of 50 training batches"
     */
    public TrainingStoppedException(SchedulePosition position, String where) {
        super("stopped in cycle " + position.cycle() + " epoch " + position.epoch() + " " + where
                + ", before the epoch finished");
        this.position = position;
    }

    /** Stopped outside an epoch (between the fits of an experiment, say): {@code message} says where. */
    public TrainingStoppedException(String message) {
        super(message);
        this.position = null;
    }

    /** @return the epoch that was abandoned, or null when the stop came outside an epoch: the first one a resumed run repeats */
    public SchedulePosition position() {
        return position;
    }
}
