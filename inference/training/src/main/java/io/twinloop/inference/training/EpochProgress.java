package io.twinloop.inference.training;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar over an epoch's training batches (fnn shows tqdm bars), or nothing when
 * progress display is off.
 */
final class EpochProgress implements AutoCloseable {

    private final ProgressBar bar;

    private EpochProgress(ProgressBar bar) {
        this.bar = bar;
    }

    static EpochProgress start(boolean show, SchedulePosition position, int batches) {
        if (!show) {
            return new EpochProgress(null);
        }
        return new EpochProgress(new ProgressBarBuilder()
                .setTaskName("cycle " + position.cycle() + " epoch " + position.epoch())
                .setInitialMax(batches)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" batches", 1)
                .build());
    }

    /** Counts one batch done with its loss. */
    void batchDone(double loss) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(String.format(" loss %.4f", loss));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
