package io.twinloop.ops.validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Recorded responses and the twin's predictions of clips shown one or more times, as the scores need them:
 * {@code [clip][repeat][frame][unit]}. Clips may differ in length and in how often they were shown; a missing
 * repeat is either absent (fewer rows) or all NaN, as in {@code fnn.evaluate.pad_responses}.
 */
public final class RepeatedTrials {

    private final float[][][][] responses;
    private final float[][][][] predictions;
    private final int units;

    /**
     * @param responses   [clip][repeat][frame][unit]
     * @param predictions [clip][repeat][frame][unit], or one repeat per clip when the prediction is the same for
     *                    every repeat
     */
    public RepeatedTrials(float[][][][] responses, float[][][][] predictions) {
        if (responses.length == 0 || responses.length != predictions.length) {
            throw new IllegalArgumentException("need the same, non-zero number of clips in responses and predictions");
        }
        this.units = responses[0][0][0].length;
        for (int c = 0; c < responses.length; c++) {
            int frames = responses[c][0].length;
            for (float[][] repeat : responses[c]) {
                checkShape(repeat, frames, "responses of clip " + c);
            }
            if (predictions[c].length != 1 && predictions[c].length != responses[c].length) {
                throw new IllegalArgumentException("clip " + c + ": predictions need 1 or " + responses[c].length
                        + " repeats, got " + predictions[c].length);
            }
            for (float[][] repeat : predictions[c]) {
                checkShape(repeat, frames, "predictions of clip " + c);
            }
        }
        this.responses = responses;
        this.predictions = predictions;
    }

    /** Per-clip predictions, the same for every repeat (a twin fed the same clip without behaviour). */
    public static RepeatedTrials withClipPredictions(float[][][][] responses, float[][][] predictions) {
        float[][][][] perRepeat = new float[predictions.length][][][];
        for (int c = 0; c < predictions.length; c++) {
            perRepeat[c] = new float[][][] {predictions[c]};
        }
        return new RepeatedTrials(responses, perRepeat);
    }

    /**
     * Groups single trials into repeats of the same clip, in order of first appearance.
     *
     * @param clipIds     the clip each trial showed; trials with equal ids are repeats
     * @param responses   [trial][frame][unit]
     * @param predictions [trial][frame][unit]
     */
    public static RepeatedTrials fromTrials(List<?> clipIds, float[][][] responses, float[][][] predictions) {
        if (clipIds.size() != responses.length || responses.length != predictions.length) {
            throw new IllegalArgumentException("clip ids, responses and predictions must list the same trials");
        }
        Map<Object, List<Integer>> trialsByClip = new LinkedHashMap<>();
        for (int i = 0; i < clipIds.size(); i++) {
            trialsByClip.computeIfAbsent(Objects.requireNonNull(clipIds.get(i)), k -> new ArrayList<>()).add(i);
        }
        float[][][][] groupedResponses = new float[trialsByClip.size()][][][];
        float[][][][] groupedPredictions = new float[trialsByClip.size()][][][];
        int c = 0;
        for (List<Integer> trials : trialsByClip.values()) {
            groupedResponses[c] = trials.stream().map(t -> responses[t]).toArray(float[][][]::new);
            groupedPredictions[c] = trials.stream().map(t -> predictions[t]).toArray(float[][][]::new);
            c++;
        }
        return new RepeatedTrials(groupedResponses, groupedPredictions);
    }

    public int units() {
        return units;
    }

    public int clips() {
        return responses.length;
    }

    public int maxRepeats() {
        int max = 0;
        for (float[][][] clip : responses) {
            max = Math.max(max, clip.length);
        }
        return max;
    }

    /** @return [repeat][sample] responses of one unit, clips concatenated after dropping burn-in, NaN-padded */
    public double[][] responsesOf(int unit, int burnInFrames) {
        return concatenate(responses, unit, burnInFrames);
    }

    /**
     * @return [repeat][sample] predictions of one unit laid out like {@link #responsesOf}; NaN wherever the
     *         response is missing, so a prediction never stands in for a trial that was not recorded
     */
    public double[][] predictionsOf(int unit, int burnInFrames) {
        double[][] recorded = responsesOf(unit, burnInFrames);
        double[][] predicted = concatenate(predictions, unit, burnInFrames);
        double[][] out = new double[recorded.length][recorded[0].length];
        for (int r = 0; r < recorded.length; r++) {
            double[] source = predicted[predicted.length == 1 ? 0 : r];
            for (int s = 0; s < recorded[r].length; s++) {
                out[r][s] = Double.isNaN(recorded[r][s]) ? Double.NaN : source[s];
            }
        }
        return out;
    }

    private double[][] concatenate(float[][][][] data, int unit, int burnInFrames) {
        int rows = 0;
        int samples = 0;
        for (int c = 0; c < responses.length; c++) {
            rows = Math.max(rows, data[c].length);
            samples += Math.max(0, responses[c][0].length - burnInFrames);
        }
        double[][] out = new double[rows][samples];
        int offset = 0;
        for (int c = 0; c < responses.length; c++) {
            int kept = Math.max(0, responses[c][0].length - burnInFrames);
            for (int r = 0; r < rows; r++) {
                float[][] repeat = r < data[c].length ? data[c][r] : null;
                for (int t = 0; t < kept; t++) {
                    out[r][offset + t] = repeat == null ? Double.NaN : repeat[burnInFrames + t][unit];
                }
            }
            offset += kept;
        }
        return out;
    }

    private void checkShape(float[][] repeat, int frames, String what) {
        if (repeat.length != frames) {
            throw new IllegalArgumentException(what + ": expected " + frames + " frames, got " + repeat.length);
        }
        for (float[] frame : repeat) {
            if (frame.length != units) {
                throw new IllegalArgumentException(what + ": expected " + units + " units, got " + frame.length);
            }
        }
    }
}
