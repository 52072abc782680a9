package io.twinloop.inference.training.data;

import io.twinloop.proto.npy.NpyArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Sensorium 2023 layout of one mouse, time on the last axis:
 * {@code data/videos/<trial>.npy} [H, W, T], {@code data/responses/} [U, T], {@code data/behavior/}
 * [2, T] (pupil dilation, treadmill: fnn's modulations), {@code data/pupil_center/} [2, T] (fnn's
 * perspectives), and {@code meta/trials/tiers.npy}, one tier per trial in trial-number order:
 * "train" trials train, "oracle" trials validate, test tiers are left out. Without tiers every trial
 * trains.
 *
 * <p>Because time is the last axis a clip cannot be read as contiguous rows: one trial's arrays are
 * read, the clip is cut out, and the rest is dropped, so memory stays bounded by a trial.
 *
 * <p>What the model is given is what the served twin is given, so that a model trained here is served
 * as it was trained:
 * <ul>
 *   <li>stimuli: twinloop's full-resolution frames {@code twinloop/frames/<trial>.npy} [T, H, W] uint8
 *       (what the rig shows and replay publishes), read as contiguous rows, when the recording has
 *       them; else the Sensorium videos;</li>
 *   <li>perspectives and modulations: standardised with the recording's training statistics
 *       {@code meta/statistics/{pupil_center,behavior}/all/{mean,std}.npy}, as a session's start
 *       message declares them to the service (no standardisation when the recording has none).</li>
 * </ul>
 */
public final class SensoriumLayout implements TrialSource {

    private final Path data;
    /** twinloop/frames, or null to read the Sensorium videos */
    private final Path frames;
    private final Standardisation pupilCenter;
    private final Standardisation behaviour;
    private final List<String> training = new ArrayList<>();
    private final List<String> validation = new ArrayList<>();

    private SensoriumLayout(Path root) throws IOException {
        this.data = root.resolve("data");
        Path fullFrames = root.resolve("twinloop").resolve("frames");
        this.frames = Files.isDirectory(fullFrames) ? fullFrames : null;
        Path statistics = root.resolve("meta").resolve("statistics");
        this.pupilCenter = Standardisation.read(statistics.resolve("pupil_center"), 2);
        this.behaviour = Standardisation.read(statistics.resolve("behavior"), 2);
    }

    public static SensoriumLayout open(Path root) throws IOException {
        SensoriumLayout layout = new SensoriumLayout(root);
        List<String> trials = new ArrayList<>(FnnTrainingLayout.trialIds(layout.data.resolve("responses")));
        trials.sort(Comparator.comparingLong(SensoriumLayout::trialNumber));
        Path tiersFile = root.resolve("meta").resolve("trials").resolve("tiers.npy");
        String[] tiers = Files.isRegularFile(tiersFile) ? NpyRows.open(tiersFile).readStrings() : null;
        for (String trial : trials) {
            String tier = tiers == null ? "train" : tierOf(tiers, trial, tiersFile);
            if (tier.equals("train")) {
                layout.training.add(trial);
            } else if (tier.equals("oracle")) {
                layout.validation.add(trial);
            }
        }
        return layout;
    }

    @Override
    public List<String> trials(boolean wantTraining) {
        return wantTraining ? List.copyOf(training) : List.copyOf(validation);
    }

    @Override
    public int frames(String trial) throws IOException {
        long videoFrames = NpyRows.open(file("videos", trial)).shape()[2];
        long responseFrames = NpyRows.open(file("responses", trial)).shape()[1];
        return Math.toIntExact(Math.min(videoFrames, responseFrames));
    }

    @Override
    public Clip read(ClipRequest request) throws IOException {
        String trial = request.trial();
        int start = request.start();
        int length = request.length();
        ClipPixels pixels = frames != null ? fullFrames(trial, start, length) : video(trial, start, length);
        return new Clip(trial, start, length, 1, pixels.height(), pixels.width(), pixels.values(),
                pupilCenter.apply(timeMajor("pupil_center", trial, start, length)),
                behaviour.apply(timeMajor("behavior", trial, start, length)),
                timeMajor("responses", trial, start, length));
    }

    /** [L, H, W] uint8 pixels of a clip */
    private record ClipPixels(int height, int width, byte[] values) {
    }

    /** The frames as shown, [T, H, W] uint8, rows start..start+length. */
    private ClipPixels fullFrames(String trial, int start, int length) throws IOException {
        NpyRows rows = NpyRows.open(frames.resolve(trial + ".npy"));
        long[] shape = rows.shape();
        if (shape.length != 3 || !rows.dtype().endsWith("u1")) {
            throw new IOException(rows.path() + ": expected [T, H, W] uint8 frames, found " + rows.dtype() + " "
                    + java.util.Arrays.toString(shape));
        }
        return new ClipPixels((int) shape[1], (int) shape[2], rows.read(start, length).asBytes());
    }

    /** The Sensorium video [H, W, T] float, transposed to [L, H, W] uint8. */
    private ClipPixels video(String trial, int start, int length) throws IOException {
        NpyArray video = NpyRows.open(file("videos", trial)).readAll();
        int height = (int) video.shape()[0];
        int width = (int) video.shape()[1];
        int frameCount = (int) video.shape()[2];
        double[] values = video.asDoubles();
        byte[] pixels = new byte[length * height * width];
        for (int t = 0; t < length; t++) {
            for (int p = 0; p < height * width; p++) {
                long v = Math.round(values[p * frameCount + start + t]);
                pixels[t * height * width + p] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return new ClipPixels(height, width, pixels);
    }

    /** [D, T] on disk to frames [start, start + length) as [length, D] */
    private float[] timeMajor(String item, String trial, int start, int length) throws IOException {
        NpyArray array = NpyRows.open(file(item, trial)).readAll();
        if (array.shape().length != 2) {
            throw new IOException(file(item, trial) + ": expected [D, T], found " + array.shape().length + " axes");
        }
        int d = (int) array.shape()[0];
        int frames = (int) array.shape()[1];
        if (start + length > frames) {
            throw new IOException(file(item, trial) + ": frames [" + start + ", " + (start + length) + ") beyond " + frames);
        }
        float[] values = array.asFloats();
        float[] out = new float[length * d];
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < d; i++) {
                out[t * d + i] = values[i * frames + start + t];
            }
        }
        return out;
    }

    private Path file(String item, String trial) {
        return data.resolve(item).resolve(trial + ".npy");
    }

    private static String tierOf(String[] tiers, String trial, Path tiersFile) throws IOException {
        long index = trialNumber(trial);
        if (index < 0 || index >= tiers.length) {
            throw new IOException(tiersFile + ": no tier for trial " + trial + " (" + tiers.length + " tiers)");
        }
        return tiers[(int) index];
    }

    private static long trialNumber(String trial) {
        try {
            return Long.parseLong(trial);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Sensorium trial files are numbered, found '" + trial + "'", e);
        }
    }
}
