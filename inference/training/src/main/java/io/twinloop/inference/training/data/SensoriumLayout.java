package io.twinloop.inference.training.data;

import io.twinloop.recordings.npy.NpyFile;
import io.twinloop.recordings.sensorium.SensoriumReader;
import io.twinloop.recordings.sensorium.SensoriumVideoClip;

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
 * "train" trials train, "oracle" trials validate, test and {@code none} tiers are left out. Without tiers
 * every trial trains. Files are read by the recordings module's {@link SensoriumReader}, which crops the
 * release's NaN padding and pools statistics given per frame.
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

    private final SensoriumReader reader;
    /** twinloop/frames, or null to read the Sensorium videos */
    private final Path frames;
    private final Standardisation pupilCenter;
    private final Standardisation behaviour;
    private final List<String> training = new ArrayList<>();
    private final List<String> validation = new ArrayList<>();

    private SensoriumLayout(Path root) throws IOException {
        this.reader = new SensoriumReader(root);
        Path fullFrames = root.resolve("twinloop").resolve("frames");
        this.frames = Files.isDirectory(fullFrames) ? fullFrames : null;
        this.pupilCenter = Standardisation.read(reader, "pupil_center", 2);
        this.behaviour = Standardisation.read(reader, "behavior", 2);
    }

    public static SensoriumLayout open(Path root) throws IOException {
        SensoriumLayout layout = new SensoriumLayout(root);
        String[] tiers = layout.reader.hasTiers() ? layout.reader.tiers() : null;
        for (int trial : layout.reader.trials()) {
            String tier = tiers == null ? "train"
                    : SensoriumReader.tierOf(tiers, trial, layout.reader.layout().tiers());
            if (tier.equals("train")) {
                layout.training.add(Integer.toString(trial));
            } else if (tier.equals("oracle")) {
                layout.validation.add(Integer.toString(trial));
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
        return reader.frames(trialNumber(trial));
    }

    @Override
    public Clip read(ClipRequest request) throws IOException {
        int trial = trialNumber(request.trial());
        int start = request.start();
        int length = request.length();
        ClipPixels pixels = frames != null ? fullFrames(request.trial(), start, length) : video(trial, start, length);
        return new Clip(request.trial(), start, length, 1, pixels.height(), pixels.width(), pixels.values(),
                pupilCenter.apply(reader.timeMajor("pupil_center", trial, start, length)),
                behaviour.apply(reader.timeMajor("behavior", trial, start, length)),
                reader.timeMajor("responses", trial, start, length));
    }

    /** [L, H, W] uint8 pixels of a clip */
    private record ClipPixels(int height, int width, byte[] values) {
    }

    /** The frames as shown, [T, H, W] uint8, rows start..start+length. */
    private ClipPixels fullFrames(String trial, int start, int length) throws IOException {
        NpyFile rows = NpyFile.open(frames.resolve(trial + ".npy"));
        long[] shape = rows.shape();
        if (shape.length != 3 || !rows.dtype().endsWith("u1")) {
            throw new IOException(rows.path() + ": expected [T, H, W] uint8 frames, found " + rows.dtype() + " "
                    + java.util.Arrays.toString(shape));
        }
        return new ClipPixels((int) shape[1], (int) shape[2], rows.read(start, length).asBytes());
    }

    /** The Sensorium video [H, W, T] (0..255), rounded and transposed to [L, H, W] uint8. */
    private ClipPixels video(int trial, int start, int length) throws IOException {
        SensoriumVideoClip video = reader.video(trial);
        if (start + length > video.frames()) {
            throw new IOException(reader.layout().video(trial) + ": frames [" + start + ", " + (start + length)
                    + ") beyond " + video.frames());
        }
        int pixelsPerFrame = video.height() * video.width();
        byte[] pixels = new byte[length * pixelsPerFrame];
        for (int t = 0; t < length; t++) {
            float[] frame = video.frame(start + t);
            for (int p = 0; p < pixelsPerFrame; p++) {
                pixels[t * pixelsPerFrame + p] = (byte) Math.max(0, Math.min(255, Math.round(frame[p])));
            }
        }
        return new ClipPixels(video.height(), video.width(), pixels);
    }

    private static int trialNumber(String trial) {
        try {
            return Integer.parseInt(trial);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Sensorium trial files are numbered, found '" + trial + "'", e);
        }
    }
}
