package io.twinloop.inference.training.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Per-channel standardisation {@code (x - mean) / std} of a recording's per-frame inputs, from the
 * Sensorium statistics directory {@code <key>/all/{mean,std}.npy} [D]; the identity when the recording
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
     * @param directory e.g. {@code meta/statistics/behavior}
     * @param channels  D
     * @throws IOException when the statistics exist but do not hold D channels
     */
    static Standardisation read(Path directory, int channels) throws IOException {
        Path meanFile = directory.resolve("all").resolve("mean.npy");
        Path stdFile = directory.resolve("all").resolve("std.npy");
        if (!Files.isRegularFile(meanFile) || !Files.isRegularFile(stdFile)) {
            float[] zeros = new float[channels];
            float[] ones = new float[channels];
            java.util.Arrays.fill(ones, 1f);
            return new Standardisation(zeros, ones);
        }
        float[] mean = NpyRows.open(meanFile).readAll().asFloats();
        float[] std = NpyRows.open(stdFile).readAll().asFloats();
        if (mean.length != channels || std.length != channels) {
            throw new IOException(directory + ": statistics of " + mean.length + " and " + std.length
                    + " channels, expected " + channels);
        }
        for (int i = 0; i < channels; i++) {
            std[i] = std[i] > 0 ? std[i] : 1f;
        }
        return new Standardisation(mean, std);
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
