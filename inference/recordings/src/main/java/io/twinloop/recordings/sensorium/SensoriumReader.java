package io.twinloop.recordings.sensorium;

import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import io.twinloop.recordings.npy.NpyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Reads one mouse in the Sensorium 2023 layout, both as the challenge released it and as twinloop writes it
 * (docs/recording-layout.md): {@code data/{videos,responses,behavior,pupil_center}/<trial>.npy} with time on the
 * last axis, {@code meta/trials/tiers.npy}, {@code meta/neurons/unit_ids.npy},
 * {@code meta/statistics/<field>/all/<statistic>.npy}. Any numeric dtype (float64 in newer mice, float32 in
 * older ones) is read.
 *
 * <p>The release pads every trial with NaN to the mouse's longest one; a trial lasts until the first NaN in
 * its video's first pixel (as ViV1T's {@code load_trial_data} finds it), and every per-trial array returned
 * here is cropped to that length. The release has no clip ids: {@link #clipIds()} finds repeats as trials
 * with identical videos when the recording does not list them.
 */
public final class SensoriumReader {

    private final RecordingLayout layout;
    private final Map<Integer, Integer> durations = new ConcurrentHashMap<>();

    public SensoriumReader(Path root) {
        this.layout = new RecordingLayout(root);
    }

    public RecordingLayout layout() {
        return layout;
    }

    /** @return the trial numbers that have a video, ascending */
    public List<Integer> trials() throws IOException {
        Path videos = layout.video(0).getParent();
        if (!Files.isDirectory(videos)) {
            throw new IOException(layout.root() + ": no data/videos: not a Sensorium mouse folder");
        }
        List<Integer> trials = new ArrayList<>();
        try (Stream<Path> files = Files.list(videos)) {
            files.map(p -> p.getFileName().toString())
                    .filter(name -> name.matches("\\d+\\.npy"))
                    .forEach(name -> trials.add(Integer.parseInt(name.substring(0, name.length() - 4))));
        }
        trials.sort(null);
        return trials;
    }

    public boolean hasTiers() {
        return Files.isRegularFile(layout.tiers());
    }

    /** @return the tier of every trial, indexed by trial number ({@code none} in older mice for unused trials) */
    public String[] tiers() throws IOException {
        return Npy.readStrings(layout.tiers());
    }

    /** @return the tier of {@code trial} */
    public static String tierOf(String[] tiers, int trial, Path tiersFile) throws IOException {
        if (trial < 0 || trial >= tiers.length) {
            throw new IOException(tiersFile + ": no tier for trial " + trial + " (" + tiers.length + " tiers)");
        }
        return tiers[trial];
    }

    /** @return the trial numbers of one tier, ascending */
    public List<Integer> trialsInTier(String tier) throws IOException {
        String[] tiers = tiers();
        List<Integer> out = new ArrayList<>();
        for (int trial : trials()) {
            if (trial < tiers.length && tiers[trial].equals(tier)) {
                out.add(trial);
            }
        }
        return out;
    }

    public long[] unitIds() throws IOException {
        return Npy.read(layout.unitIds()).asLongs();
    }

    /**
     * @return frames that {@code trial} lasts: up to the first NaN in its video's first pixel, and no longer than
     *         its responses, behaviour and pupil centre
     */
    public int frames(int trial) throws IOException {
        Integer known = durations.get(trial);
        if (known != null) {
            return known;
        }
        NpyArray video = Npy.read(layout.video(trial));
        if (video.shape().length != 3) {
            throw new IOException(layout.video(trial) + ": expected [H, W, T], found "
                    + Arrays.toString(video.shape()));
        }
        int stored = Math.toIntExact(video.shape()[2]);
        double[] first = firstPixel(video, stored);
        int frames = stored;
        for (int t = 0; t < stored; t++) {
            if (Double.isNaN(first[t])) {
                frames = t;
                break;
            }
        }
        for (Path other : List.of(layout.responses(trial), layout.behavior(trial), layout.pupilCenter(trial))) {
            if (Files.isRegularFile(other)) {
                long[] shape = NpyFile.open(other).shape();
                frames = (int) Math.min(frames, shape[shape.length - 1]);
            }
        }
        durations.put(trial, frames);
        return frames;
    }

    private static double[] firstPixel(NpyArray video, int stored) {
        NpyArray head = new NpyArray(video.dtype(), new long[] {stored}, video.data());
        return head.asDoubles();
    }

    /** @return the video [H, W, T] cropped to {@link #frames(int)}, values on the 0..255 scale */
    public SensoriumVideoClip video(int trial) throws IOException {
        NpyArray video = Npy.read(layout.video(trial));
        if (video.shape().length != 3) {
            throw new IOException(layout.video(trial) + ": expected [H, W, T]");
        }
        int[] shape = video.intShape();
        int frames = frames(trial);
        float[] all = video.asFloats();
        float[] cropped = new float[shape[0] * shape[1] * frames];
        for (int p = 0; p < shape[0] * shape[1]; p++) {
            System.arraycopy(all, p * shape[2], cropped, p * frames, frames);
        }
        return new SensoriumVideoClip(shape[0], shape[1], frames, cropped);
    }

    /** @return [unit][frame], cropped to {@link #frames(int)} */
    public float[][] responses(int trial) throws IOException {
        return cropped(layout.responses(trial), trial);
    }

    /** @return [2][frame]: pupil dilation, running speed */
    public float[][] behavior(int trial) throws IOException {
        return cropped(layout.behavior(trial), trial);
    }

    /** @return [2][frame]: pupil centre x, y */
    public float[][] pupilCenter(int trial) throws IOException {
        return cropped(layout.pupilCenter(trial), trial);
    }

    /**
     * @param item  {@code responses}, {@code behavior} or {@code pupil_center}
     * @return frames {@code [start, start + length)} of the trial's [D, T] array as [length, D]
     */
    public float[] timeMajor(String item, int trial, int start, int length) throws IOException {
        Path file = layout.root().resolve("data").resolve(item).resolve(trial + ".npy");
        float[][] rows = cropped(file, trial);
        int frames = rows.length == 0 ? 0 : rows[0].length;
        if (start < 0 || start + length > frames) {
            throw new IOException(file + ": frames [" + start + ", " + (start + length) + ") beyond " + frames);
        }
        int d = rows.length;
        float[] out = new float[length * d];
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < d; i++) {
                out[t * d + i] = rows[i][start + t];
            }
        }
        return out;
    }

    private float[][] cropped(Path file, int trial) throws IOException {
        float[][] rows = Npy.read(file).asFloatRows(file.toString());
        int frames = frames(trial);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOf(rows[i], frames);
        }
        return rows;
    }

    /**
     * A statistic over the training tier, one value per channel. The release gives some per frame
     * ({@code [D, T]}, or {@code [H, W, T]} for videos); those are pooled over frames: the mean of the means, and
     * for {@code std} the square root of the mean second moment less the squared mean, which is the std over
     * all frames when every frame counts the same trials. NaN frames (padding) are left out.
     *
     * @param field     e.g. {@code behavior}, {@code pupil_center}, {@code responses}
     * @param statistic {@code mean} or {@code std}
     * @param channels  D (1 for videos)
     * @return D values, or null when the recording has no such statistic
     */
    public double[] statistic(String field, String statistic, int channels) throws IOException {
        Path file = layout.statistic(field, statistic);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        NpyArray array = Npy.read(file);
        long size = array.size();
        if (size == channels) {
            return array.asDoubles();
        }
        if (size % channels != 0 || array.shape().length == 0 || (channels > 1 && array.shape()[0] != channels)) {
            throw new IOException(file + ": statistics of shape " + Arrays.toString(array.shape()) + ", expected "
                    + channels + " channels, per channel or per frame");
        }
        if (!statistic.equals("mean") && !statistic.equals("std")) {
            throw new IOException(file + ": only mean and std are pooled over frames, not " + statistic);
        }
        double[] perFrameMean = Npy.read(layout.statistic(field, "mean")).asDoubles();
        if (perFrameMean.length != size) {
            throw new IOException(file + ": mean and " + statistic + " of different shapes");
        }
        double[] mean = pooled(perFrameMean, perFrameMean, channels, (m, s) -> m);
        if (statistic.equals("mean")) {
            return mean;
        }
        double[] second = pooled(perFrameMean, array.asDoubles(), channels, (m, s) -> s * s + m * m);
        double[] out = new double[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = Math.sqrt(Math.max(0, second[c] - mean[c] * mean[c]));
        }
        return out;
    }

    /**
     * @param means [C, frames] per-frame means; @param stds the same shape, per-frame stds
     * @return per channel, the average over frames of {@code term(mean, std)}, frames with a NaN left out
     */
    private static double[] pooled(double[] means, double[] stds, int channels,
                                   java.util.function.DoubleBinaryOperator term) {
        int perChannel = means.length / channels;
        double[] out = new double[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            int n = 0;
            for (int t = 0; t < perChannel; t++) {
                double m = means[c * perChannel + t];
                double s = stds[c * perChannel + t];
                if (Double.isFinite(m) && Double.isFinite(s)) {
                    sum += term.applyAsDouble(m, s);
                    n++;
                }
            }
            out[c] = n == 0 ? Double.NaN : sum / n;
        }
        return out;
    }

    /**
     * @return per trial number (index), the clip it showed: twinloop's {@code clip_ids.npy} when the recording
     *         has it, else one id per distinct video (the release lists none), so that equal ids are repeats
     */
    public long[] clipIds() throws IOException {
        if (Files.isRegularFile(layout.clipIds())) {
            return Npy.read(layout.clipIds()).asLongs();
        }
        List<Integer> trials = trials();
        int count = trials.isEmpty() ? 0 : trials.get(trials.size() - 1) + 1;
        long[] ids = new long[count];
        Arrays.fill(ids, -1);
        Map<String, Long> byContent = new HashMap<>();
        for (int trial : trials) {
            SensoriumVideoClip video = video(trial);
            String key = video.height() + "x" + video.width() + "x" + video.frames() + ":"
                    + Arrays.hashCode(video.values());
            Long id = byContent.get(key);
            if (id == null || !sameVideo(byContent, key, trial)) {
                id = (long) trial;
                byContent.putIfAbsent(key, id);
            }
            ids[trial] = id;
        }
        return ids;
    }

    /** Guards the hash: the trial whose id a key holds must show exactly the same video. */
    private boolean sameVideo(Map<String, Long> byContent, String key, int trial) throws IOException {
        int first = Math.toIntExact(byContent.get(key));
        return Arrays.equals(video(first).values(), video(trial).values());
    }
}
