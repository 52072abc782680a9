package io.twinloop.inference.training.data;

import java.io.IOException;
import java.util.List;

/**
 * A recording with only its first {@code n} training trials (in the source's order, i.e. the order
 * they were shown): how much data a model is fitted on, for learning-curve and data-amount
 * experiments. Validation trials are kept whole.
 */
public final class TrainingSubset implements TrialSource {

    private final TrialSource source;
    private final List<String> training;

    /** @param trials training trials to keep; all when the source has fewer */
    public TrainingSubset(TrialSource source, int trials) {
        if (trials <= 0) {
            throw new IllegalArgumentException("keep at least one training trial, not " + trials);
        }
        List<String> all = source.trials(true);
        this.source = source;
        this.training = List.copyOf(all.subList(0, Math.min(trials, all.size())));
    }

    @Override
    public List<String> trials(boolean wantTraining) {
        return wantTraining ? training : source.trials(false);
    }

    @Override
    public int frames(String trial) throws IOException {
        return source.frames(trial);
    }

    @Override
    public Clip read(ClipRequest request) throws IOException {
        return source.read(request);
    }

    @Override
    public String group(String trial) {
        return source.group(trial);
    }
}
