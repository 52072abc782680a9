package io.twinloop.ops.training;

import io.twinloop.inference.training.data.SensoriumLayout;
import io.twinloop.recordings.sensorium.SensoriumReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    /**
     * @param trainTrials the first N training trials (as training uses them), or 0 for all
     * @return each unit's mean response over those trials [U]
     */
    public double[] unitMeans(int trainTrials) throws IOException {
        List<String> ids = trials.trials(true);
        if (trainTrials > 0 && ids.size() > trainTrials) {
            ids = ids.subList(0, trainTrials);
        }
        SensoriumReader reader = new SensoriumReader(root);
        double[] sums = new double[units];
        long frames = 0;
        for (String id : ids) {
            float[][] responses = reader.responses(Integer.parseInt(id));
            for (int u = 0; u < units; u++) {
                for (float v : responses[u]) {
                    sums[u] += v;
                }
            }
            frames += responses[0].length;
        }
        for (int u = 0; u < units; u++) {
            sums[u] = frames == 0 ? 1 : sums[u] / frames;
        }
        return sums;
    }

    /**
     * @param recordings mouse folders, or dataset roots whose sub-folders are mouse folders (as the Sensorium 2023
     *                   release unpacks: one folder per mouse)
     * @return the mouse folders, a root's in name order
     */
    public static List<Path> mouseFolders(List<Path> recordings) throws IOException {
        List<Path> out = new java.util.ArrayList<>();
        for (Path recording : recordings) {
            if (Files.isDirectory(recording.resolve("data")) || !Files.isDirectory(recording)) {
                out.add(recording);
                continue;
            }
            try (java.util.stream.Stream<Path> children = Files.list(recording)) {
                List<Path> mice = children.filter(c -> Files.isDirectory(c.resolve("data").resolve("responses")))
                        .sorted().toList();
                out.addAll(mice.isEmpty() ? List.of(recording) : mice);
            }
        }
        return out;
    }

    public static MouseRecording open(Path root) throws IOException {
        return open(root, root.toAbsolutePath().normalize().getFileName().toString());
    }
}
