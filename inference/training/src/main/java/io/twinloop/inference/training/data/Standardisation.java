package io.twinloop.inference.training.data;

import java.io.IOException;
import io.twinloop.recordings.sensorium.SensoriumReader;

/**
 * Per-channel standardisation {@code (x - mean) / std} of a recording's per-frame inputs, from the
 * Sensorium statistics {@code meta/statistics/<key>/all/{mean,std}.npy}; the identity when the recording
 * has no statistics for the key. A zero std is taken as 1, as the service does.
 */
final class Standardisation {

    private final float[] mean;
    private final float[] std;

    private Standardisation(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    /**
     * @param field    e.g. {@code behavior}; its statistics per channel or per frame (pooled by the reader)
     * @param channels D
     * @throws IOException when the statistics exist but do not hold D channels
     */
    static Standardisation read(SensoriumReader reader, String field, int channels) throws IOException {
        double[] mean = reader.statistic(field, "mean", channels);
        double[] std = reader.statistic(field, "std", channels);
        if (mean == null || std == null) {
            float[] zeros = new float[channels];
            float[] ones = new float[channels];
            java.util.Arrays.fill(ones, 1f);
            return new Standardisation(zeros, ones);
        }
        float[] m = new float[channels];
        float[] s = new float[channels];
        for (int i = 0; i < channels; i++) {
            m[i] = (float) mean[i];
            s[i] = std[i] > 0 ? (float) std[i] : 1f;
        }
        return new Standardisation(m, s);
    }

    /** @param frames [L, D] values, standardised in place; @return {@code frames} */
    float[] apply(float[] frames) {
        int d = mean.length;
        for (int i = 0; i < frames.length; i++) {
            frames[i] = (frames[i] - mean[i % d]) / std[i % d];
        }
        return frames;
    }
}
