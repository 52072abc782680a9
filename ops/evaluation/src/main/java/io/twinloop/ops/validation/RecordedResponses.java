package io.twinloop.ops.validation;

import io.twinloop.recordings.sensorium.SensoriumReader;
import io.twinloop.simulator.recording.TwinloopExtrasReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The recorded side of a replay: the responses of the chosen tiers' trials, frame-major as the twin predicts
 * them ({@code [trial][frame][unit]}), with the clip each trial showed so that repeats can be grouped.
 *
 * @param trials     trial numbers in the recording, ascending
 * @param clipIds    per listed trial, the clip shown (equal: repeats)
 * @param unitIds    per unit
 * @param responses  [trial][frame][unit] recorded
 * @param noiseless  [trial][frame][unit] noise-free expectation (synthetic recordings), or null
 * @param withheld   trials of the tiers left out because their responses are all zero (Sensorium's released test
 *                   tiers, whose responses were withheld)
 */
public record RecordedResponses(List<Integer> trials, List<Long> clipIds, long[] unitIds, float[][][] responses,
                                float[][][] noiseless, int withheld) {

    /** Loads the trials of {@code tiers} (e.g. oracle and final_test_main, the repeated ones). */
    public static RecordedResponses load(Path recording, Set<String> tiers) throws IOException {
        SensoriumReader reader = new SensoriumReader(recording);
        TwinloopExtrasReader extras = new TwinloopExtrasReader(recording);
        String[] tierOf = reader.tiers();
        long[] allClipIds = reader.clipIds();
        List<Integer> trials = new ArrayList<>();
        List<Long> clipIds = new ArrayList<>();
        List<float[][]> responses = new ArrayList<>();
        List<float[][]> noiseless = new ArrayList<>();
        boolean hasNoiseless = true;
        int withheld = 0;
        int frames = Integer.MAX_VALUE;
        for (int trial : reader.trials()) {
            if (!tiers.contains(tierOf[trial])) {
                continue;
            }
            float[][] recorded = reader.responses(trial);
            if (allZero(recorded)) {
                // Sensorium's released test tiers hold zeros where the responses were withheld: nothing to score
                withheld++;
                continue;
            }
            frames = Math.min(frames, recorded.length == 0 ? 0 : recorded[0].length);
            trials.add(trial);
            clipIds.add(allClipIds[trial]);
            responses.add(transpose(recorded));
            float[][] expected = extras.noiseless(trial);
            hasNoiseless &= expected != null;
            noiseless.add(expected == null ? null : transpose(expected));
        }
        // Released trials differ in length (NaN padding cropped): score the frames every trial has.
        int common = frames;
        return new RecordedResponses(trials, clipIds, reader.unitIds(),
                responses.stream().map(r -> Arrays.copyOf(r, common)).toArray(float[][][]::new),
                hasNoiseless ? noiseless.stream().map(r -> Arrays.copyOf(r, common)).toArray(float[][][]::new) : null,
                withheld);
    }

    private static boolean allZero(float[][] unitsByFrames) {
        for (float[] unit : unitsByFrames) {
            for (float v : unit) {
                if (v != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The recorded trials paired with a twin's predictions of the same trials, grouped by clip. */
    public RepeatedTrials against(float[][][] predictions) {
        return RepeatedTrials.fromTrials(clipIds, responses, predictions);
    }

    /** @return [frame][unit] from Sensorium's [unit][frame] */
    static float[][] transpose(float[][] unitsByFrames) {
        int units = unitsByFrames.length;
        int frames = units == 0 ? 0 : unitsByFrames[0].length;
        float[][] out = new float[frames][units];
        for (int u = 0; u < units; u++) {
            for (int t = 0; t < frames; t++) {
                out[t][u] = unitsByFrames[u][t];
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "RecordedResponses[" + trials.size() + " trials, " + unitIds.length + " units, clips "
                + Arrays.toString(clipIds.stream().distinct().toArray()) + "]";
    }
}
