package io.twinloop.ops.replay;

import io.twinloop.proto.v1.Prediction;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Files each prediction of a replay at its place: [trial, frame, unit], trials in the order the
 * scorer expects. Frames that never got a prediction stay NaN and are counted as lost.
 */
final class PredictionGrid {

    private final Map<String, Integer> trialOfSession = new HashMap<>();
    private final float[][][] values;
    private final AtomicLong filled = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final int units;

    /** @param frames per trial; trials are added with {@link #expect} */
    PredictionGrid(int trials, int frames, int units) {
        this.units = units;
        this.values = new float[trials][frames][];
    }

    /** Says that session {@code sessionId} replays row {@code row} of the grid. */
    synchronized void expect(String sessionId, int row) {
        trialOfSession.put(sessionId, row);
    }

    /** As {@link #expect(String, int)}, for a trial of {@code frames} frames (released trials differ in length). */
    synchronized void expect(String sessionId, int row, int frames) {
        values[row] = new float[frames][];
        trialOfSession.put(sessionId, row);
    }

    synchronized void accept(Prediction p) {
        Integer row = trialOfSession.get(p.getSessionId());
        if (row == null || p.getFrameIndex() < 0 || p.getFrameIndex() >= values[row].length) {
            return;
        }
        if (p.getValuesCount() != units) {
            throw new IllegalStateException("prediction of " + p.getValuesCount() + " units; the recording has " + units);
        }
        float[][] trial = values[row];
        int frame = (int) p.getFrameIndex();
        if (trial[frame] != null) {
            duplicates.incrementAndGet();
            return;
        }
        float[] v = new float[units];
        for (int u = 0; u < units; u++) {
            v[u] = p.getValues(u);
        }
        trial[frame] = v;
        filled.incrementAndGet();
    }

    long filled() {
        return filled.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    /** @return [trial][frame][unit], each trial at its own length; NaN where no prediction arrived */
    synchronized float[][][] toArray() {
        float[][][] out = new float[values.length][][];
        for (int i = 0; i < values.length; i++) {
            out[i] = new float[values[i].length][];
            for (int t = 0; t < values[i].length; t++) {
                if (values[i][t] == null) {
                    float[] missing = new float[units];
                    Arrays.fill(missing, Float.NaN);
                    out[i][t] = missing;
                } else {
                    out[i][t] = values[i][t];
                }
            }
        }
        return out;
    }
}
