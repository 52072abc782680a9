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
 */
public final class SensoriumLayout implements TrialSource {

    private final Path data;
    private final List<String> training = new ArrayList<>();
    private final List<String> validation = new ArrayList<>();

    private SensoriumLayout(Path data) {
        this.data = data;
    }

    public static SensoriumLayout open(Path root) throws IOException {
        SensoriumLayout layout = new SensoriumLayout(root.resolve("data"));
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
        NpyArray video = NpyRows.open(file("videos", trial)).readAll();
        int height = (int) video.shape()[0];
        int width = (int) video.shape()[1];
        int frames = (int) video.shape()[2];
        double[] values = video.asDoubles();
        byte[] pixels = new byte[length * height * width];
        for (int t = 0; t < length; t++) {
            for (int p = 0; p < height * width; p++) {
                long v = Math.round(values[p * frames + start + t]);
                pixels[t * height * width + p] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return new Clip(trial, start, length, 1, height, width, pixels,
                timeMajor("pupil_center", trial, start, length), timeMajor("behavior", trial, start, length),
                timeMajor("responses", trial, start, length));
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
