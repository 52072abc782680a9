package io.twinloop.inference.training.data;

import io.twinloop.recordings.fnn.FnnLayoutReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * fnn's training layout as a source of training clips; the files are read by the recordings module's
 * {@link FnnLayoutReader} (which documents the layout), clip by clip as row ranges.
 */
public final class FnnTrainingLayout implements TrialSource {

    private final FnnLayoutReader reader;

    private FnnTrainingLayout(FnnLayoutReader reader) {
        this.reader = reader;
    }

    /** @throws IOException naming the trial and item when a trial lacks one of the four item files */
    public static FnnTrainingLayout open(Path root) throws IOException {
        return new FnnTrainingLayout(FnnLayoutReader.open(root));
    }

    @Override
    public List<String> trials(boolean wantTraining) {
        return reader.trials(wantTraining);
    }

    @Override
    public int frames(String trial) throws IOException {
        return reader.frames(trial);
    }

    @Override
    public Clip read(ClipRequest request) throws IOException {
        String trial = request.trial();
        int start = request.start();
        int length = request.length();
        FnnLayoutReader.Stimuli stimuli = reader.stimuli(trial, start, length);
        return new Clip(trial, start, length, stimuli.channels(), stimuli.height(), stimuli.width(), stimuli.pixels(),
                reader.rows(FnnLayoutReader.PERSPECTIVES, trial, start, length),
                reader.rows(FnnLayoutReader.MODULATIONS, trial, start, length),
                reader.rows(FnnLayoutReader.UNITS, trial, start, length));
    }
}
