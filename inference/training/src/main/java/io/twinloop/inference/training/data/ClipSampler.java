package io.twinloop.inference.training.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Draws batches of random clips as fnn's {@code Batches} loader does: each clip from a trial drawn
 * uniformly with replacement, starting at a frame drawn uniformly from {@code [0, frames - L)} (0 when
 * the trial is exactly L frames long). Only frame counts are kept in memory.
 *
 * <p>In a source of several groups (a cohort of mice) a batch keeps to one group: its first clip's
 * trial is drawn from all trials, so groups are drawn in proportion to their trials, and the batch's
 * other clips from that trial's group.
 */
public final class ClipSampler {

    private final TrialSource source;
    private final int clipLength;
    private final int batchSize;
    private final Map<Boolean, List<String>> trials = new HashMap<>();
    /** training flag, then group, to the group's trials */
    private final Map<Boolean, Map<String, List<String>>> trialsByGroup = new HashMap<>();
    private final Map<String, Integer> frames = new HashMap<>();

    /**
     * @throws IllegalArgumentException naming the trial when one is shorter than a clip (fnn asserts
     *                                  the same)
     */
    public ClipSampler(TrialSource source, int clipLength, int batchSize) throws IOException {
        if (clipLength <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException("clip length and batch size must be positive");
        }
        this.source = source;
        this.clipLength = clipLength;
        this.batchSize = batchSize;
        for (boolean training : new boolean[] {true, false}) {
            List<String> ids = source.trials(training);
            trials.put(training, ids);
            Map<String, List<String>> groups = new HashMap<>();
            trialsByGroup.put(training, groups);
            for (String trial : ids) {
                groups.computeIfAbsent(source.group(trial), g -> new ArrayList<>()).add(trial);
                int n = source.frames(trial);
                if (n < clipLength) {
                    throw new IllegalArgumentException("trial " + trial + " has " + n + " frames, fewer than a clip of "
                            + clipLength);
                }
                frames.put(trial, n);
            }
        }
    }

    public int clipLength() {
        return clipLength;
    }

    public int batchSize() {
        return batchSize;
    }

    /** @return true if there are trials to draw training (or validation) clips from */
    public boolean hasTrials(boolean training) {
        return !trials.get(training).isEmpty();
    }

    /**
     * Plans the clips of {@code batches} batches up front, so that loading can run ahead on another
     * thread while the draws stay a function of {@code rng} alone.
     */
    public List<List<ClipRequest>> plan(Random rng, boolean training, int batches) {
        List<String> ids = trials.get(training);
        List<List<ClipRequest>> plan = new ArrayList<>(batches);
        if (ids.isEmpty()) {
            return plan;
        }
        for (int b = 0; b < batches; b++) {
            List<ClipRequest> batch = new ArrayList<>(batchSize);
            List<String> group = ids;
            for (int i = 0; i < batchSize; i++) {
                String trial = group.get(rng.nextInt(group.size()));
                if (i == 0) {
                    group = trialsByGroup.get(training).get(source.group(trial));
                }
                int high = frames.get(trial) - clipLength;
                int start = high > 0 ? rng.nextInt(high) : 0;
                batch.add(new ClipRequest(trial, start, clipLength));
            }
            plan.add(batch);
        }
        return plan;
    }

    /**
     * Consecutive clips over the first {@code maxTrials} training trials, each from its first frame (a trial's
     * last frames short of a whole clip are left out), in batches of up to the batch size that keep to one
     * group: the training data frame by frame, for statistics over it rather than random draws.
     */
    public List<List<ClipRequest>> windows(int maxTrials) {
        List<String> ids = trials.get(true);
        List<List<ClipRequest>> batches = new ArrayList<>();
        List<ClipRequest> batch = new ArrayList<>(batchSize);
        for (String trial : ids.subList(0, Math.min(maxTrials, ids.size()))) {
            if (!batch.isEmpty() && !source.group(trial).equals(source.group(batch.get(0).trial()))) {
                batches.add(batch);
                batch = new ArrayList<>(batchSize);
            }
            for (int start = 0; start + clipLength <= frames.get(trial); start += clipLength) {
                batch.add(new ClipRequest(trial, start, clipLength));
                if (batch.size() == batchSize) {
                    batches.add(batch);
                    batch = new ArrayList<>(batchSize);
                }
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    public ClipBatch load(List<ClipRequest> requests) throws IOException {
        List<Clip> clips = new ArrayList<>(requests.size());
        for (ClipRequest r : requests) {
            clips.add(source.read(r));
        }
        return new ClipBatch(source.group(requests.get(0).trial()), clips);
    }
}
