package io.twinloop.recordings.fnn;

import io.twinloop.recordings.npy.NpyArray;
import io.twinloop.recordings.npy.NpyFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads fnn's training layout ({@code fnn/data/dataset.py: load_training_data}): one directory per data item, one
 * {@code <trial>.npy} per trial in each:
 * <ul>
 *   <li>{@code stimuli/} [T, H, W] or [T, H, W, C] uint8</li>
 *   <li>{@code perspectives/} [T, P], {@code modulations/} [T, M], {@code units/} [T, U]</li>
 *   <li>{@code training/} a boolean scalar (optional: without it every trial trains)</li>
 *   <li>{@code samples/} an integer scalar, the trial's frame count (optional: else read from the header of
 *       {@code units/})</li>
 * </ul>
 * Only file headers are read up front; frames are read as row ranges.
 */
public final class FnnLayoutReader {

    /** The per-frame items, each [T, D] (stimuli [T, H, W(, C)]). */
    public static final String STIMULI = "stimuli";
    public static final String PERSPECTIVES = "perspectives";
    public static final String MODULATIONS = "modulations";
    public static final String UNITS = "units";
    private static final String[] ITEMS = {STIMULI, PERSPECTIVES, MODULATIONS, UNITS};

    private final Path root;
    private final List<String> training = new ArrayList<>();
    private final List<String> validation = new ArrayList<>();

    private FnnLayoutReader(Path root) {
        this.root = root;
    }

    /** @throws IOException naming the trial and item when a trial lacks one of the four item files */
    public static FnnLayoutReader open(Path root) throws IOException {
        FnnLayoutReader layout = new FnnLayoutReader(root);
        for (String trial : trialIds(root.resolve(UNITS))) {
            for (String item : ITEMS) {
                if (!Files.isRegularFile(layout.file(item, trial))) {
                    throw new IOException(root + ": trial " + trial + " has no " + item + " file");
                }
            }
            (layout.isTraining(trial) ? layout.training : layout.validation).add(trial);
        }
        if (layout.training.isEmpty() && layout.validation.isEmpty()) {
            throw new IOException(root + ": no trials under units/");
        }
        return layout;
    }

    /** @return the trials whose {@code training} flag is {@code wantTraining}, in name order */
    public List<String> trials(boolean wantTraining) {
        return wantTraining ? List.copyOf(training) : List.copyOf(validation);
    }

    public int frames(String trial) throws IOException {
        Path samples = file("samples", trial);
        if (Files.isRegularFile(samples)) {
            return (int) NpyFile.open(samples).readAll().asDoubles()[0];
        }
        return Math.toIntExact(NpyFile.open(file(UNITS, trial)).rows());
    }

    /**
     * Frames of a trial's stimulus.
     *
     * @param channels C
     * @param pixels   [L, C, H, W] uint8
     */
    public record Stimuli(int channels, int height, int width, byte[] pixels) {
    }

    /** @return frames {@code [start, start + length)} of the stimulus, channels first */
    public Stimuli stimuli(String trial, int start, int length) throws IOException {
        NpyFile stimulusFile = NpyFile.open(file(STIMULI, trial));
        if (!stimulusFile.dtype().equals("u1")) {
            throw new IOException(stimulusFile.path() + ": stimuli must be uint8 (as fnn requires), found "
                    + stimulusFile.dtype());
        }
        NpyArray stimuli = stimulusFile.read(start, length);
        long[] shape = stimuli.shape();
        if (shape.length == 3) {
            return new Stimuli(1, (int) shape[1], (int) shape[2], stimuli.asBytes());
        }
        if (shape.length == 4) {
            int channels = (int) shape[3];
            return new Stimuli(channels, (int) shape[1], (int) shape[2],
                    channelsFirst(stimuli.asBytes(), length, (int) shape[1], (int) shape[2], channels));
        }
        throw new IOException(stimulusFile.path() + ": stimuli must be [T, H, W] or [T, H, W, C]");
    }

    /** @return frames {@code [start, start + length)} of a [T, D] item as [length, D] */
    public float[] rows(String item, String trial, int start, int length) throws IOException {
        return NpyFile.open(file(item, trial)).read(start, length).asFloats();
    }

    private boolean isTraining(String trial) throws IOException {
        Path flag = file("training", trial);
        return !Files.isRegularFile(flag) || NpyFile.open(flag).readAll().asDoubles()[0] != 0;
    }

    private Path file(String item, String trial) {
        return root.resolve(item).resolve(trial + ".npy");
    }

    /** [L, H, W, C] to [L, C, H, W] */
    private static byte[] channelsFirst(byte[] hwc, int length, int height, int width, int channels) {
        byte[] out = new byte[hwc.length];
        int plane = height * width;
        for (int t = 0; t < length; t++) {
            int frame = t * plane * channels;
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < channels; c++) {
                    out[frame + c * plane + p] = hwc[frame + p * channels + c];
                }
            }
        }
        return out;
    }

    private static List<String> trialIds(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException(directory + ": no such directory");
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".npy"))
                    .map(name -> name.substring(0, name.length() - 4))
                    .sorted()
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
