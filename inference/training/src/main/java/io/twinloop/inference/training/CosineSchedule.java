package io.twinloop.inference.training;

/**
 * fnn's {@code CosineLr} ({@code fnn/train/schedulers.py}): the learning rate is set per epoch.
 * Within a cycle of {@code cycleSize} epochs it follows half a cosine from the peak to zero; in the
 * first {@code warmupCycles} cycles the first {@code warmupEpochs} epochs instead rise linearly,
 * {@code peak * (epoch + 0.5) / warmupEpochs}, and the cosine spans the rest of the cycle. After a
 * cycle the rate restarts at the peak (warm restart).
 */
public final class CosineSchedule {

    private final int cycleSize;
    private final int warmupEpochs;
    private final int warmupCycles;

    public CosineSchedule(int cycleSize, int warmupEpochs, int warmupCycles) {
        if (cycleSize <= 0 || warmupEpochs < 0 || warmupCycles < 0) {
            throw new IllegalArgumentException("cycleSize must be > 0, warm-up epochs and cycles >= 0");
        }
        if ((warmupEpochs > 0) != (warmupCycles > 0)) {
            throw new IllegalArgumentException("warm-up epochs and warm-up cycles must both be set or both be 0");
        }
        if (warmupEpochs >= cycleSize) {
            throw new IllegalArgumentException("warm-up must be shorter than a cycle");
        }
        this.cycleSize = cycleSize;
        this.warmupEpochs = warmupEpochs;
        this.warmupCycles = warmupCycles;
    }

    public int cycleSize() {
        return cycleSize;
    }

    /** @return the schedule in words, e.g. {@code cosine cycles of 40 epochs, 1 warm-up epoch in the first 1} */
    public String describe() {
        return "cosine cycles of " + cycleSize + " epochs, " + warmupEpochs + " warm-up epochs in the first "
                + warmupCycles + " cycles";
    }

    /** @return the learning rate of the epoch at {@code position} for a peak rate {@code peak} */
    public double learningRate(double peak, SchedulePosition position) {
        int epoch = position.epoch();
        boolean warmupCycle = position.cycle() < warmupCycles;
        if (warmupCycle && epoch < warmupEpochs) {
            return peak * (epoch + 0.5) / warmupEpochs;
        }
        double t = warmupCycle ? epoch - warmupEpochs : epoch;
        double tmax = warmupCycle ? cycleSize - warmupEpochs : cycleSize;
        return peak * (Math.cos(t / tmax * Math.PI) + 1) / 2;
    }

    /** @return the epoch's random seed, fnn's {@code epoch + cycle_size * cycle} (one process) */
    public long seed(SchedulePosition position) {
        return position.epoch() + (long) cycleSize * position.cycle();
    }

    /** @return the position after {@code position}: the next epoch, or the first of the next cycle */
    public SchedulePosition next(SchedulePosition position) {
        int epoch = position.epoch() + 1;
        return epoch < cycleSize ? new SchedulePosition(position.cycle(), epoch)
                : new SchedulePosition(position.cycle() + 1, 0);
    }
}
