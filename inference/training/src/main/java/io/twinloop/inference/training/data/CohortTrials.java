package io.twinloop.inference.training.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recordings of a cohort of mice as one source: trial {@code <mouse>/<trial>} is trial
 * {@code <trial>} of that mouse's recording, and its group is the mouse, so that every batch comes
 * from one mouse and runs through that mouse's head on the shared core.
 */
public final class CohortTrials implements TrialSource {

    private static final char SEPARATOR = '/';

    private final Map<String, TrialSource> mice;

    /** @param mice each mouse's name (no '/') and recording, in a fixed order */
    public CohortTrials(Map<String, TrialSource> mice) {
        if (mice.isEmpty()) {
            throw new IllegalArgumentException("a cohort needs at least one mouse");
        }
        for (String name : mice.keySet()) {
            if (name.isEmpty() || name.indexOf(SEPARATOR) >= 0) {
                throw new IllegalArgumentException("mouse name '" + name + "' must be non-empty and without '/'");
            }
        }
        this.mice = new LinkedHashMap<>(mice);
    }

    @Override
    public List<String> trials(boolean training) {
        List<String> out = new ArrayList<>();
        mice.forEach((name, source) -> source.trials(training).forEach(trial -> out.add(name + SEPARATOR + trial)));
        return out;
    }

    @Override
    public int frames(String trial) throws IOException {
        return mouse(trial).frames(local(trial));
    }

    @Override
    public Clip read(ClipRequest request) throws IOException {
        Clip clip = mouse(request.trial()).read(new ClipRequest(local(request.trial()), request.start(), request.length()));
        return new Clip(request.trial(), clip.start(), clip.length(), clip.channels(), clip.height(), clip.width(),
                clip.stimuli(), clip.perspectives(), clip.modulations(), clip.units());
    }

    @Override
    public String group(String trial) {
        int at = trial.indexOf(SEPARATOR);
        if (at < 0 || !mice.containsKey(trial.substring(0, at))) {
            throw new IllegalArgumentException("trial '" + trial + "' names no mouse of the cohort " + mice.keySet());
        }
        return trial.substring(0, at);
    }

    private TrialSource mouse(String trial) {
        return mice.get(group(trial));
    }

    private static String local(String trial) {
        return trial.substring(trial.indexOf(SEPARATOR) + 1);
    }
}
