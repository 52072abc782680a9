package io.twinloop.ops.training;

import io.twinloop.inference.training.data.SensoriumLayout;
import io.twinloop.simulator.recording.SensoriumReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One mouse's recording opened for training: its name in a cohort, its trials as the trainer reads them,
 * and its unit count (the size of the mouse's readout).
 *
 * @param name   the mouse's name (the directory's name unless given)
 * @param root   the recording directory (Sensorium 2023 layout, plus {@code twinloop/} when recorded here)
 * @param trials the recording's train and oracle trials, read clip by clip
 * @param units  neurons recorded
 */
public record MouseRecording(String name, Path root, SensoriumLayout trials, int units) {

    /** @throws IOException naming the directory when it is not a recording */
    public static MouseRecording open(Path root, String name) throws IOException {
        if (!Files.isDirectory(root.resolve("data").resolve("responses"))) {
            throw new IOException(root + ": not a recording (no data/responses/); write one with ./twinloop simulate");
        }
        int units = new SensoriumReader(root).unitIds().length;
        return new MouseRecording(name, root, SensoriumLayout.open(root), units);
    }

    public static MouseRecording open(Path root) throws IOException {
        return open(root, root.toAbsolutePath().normalize().getFileName().toString());
    }
}
