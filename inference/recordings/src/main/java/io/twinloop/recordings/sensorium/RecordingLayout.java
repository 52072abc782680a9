package io.twinloop.recordings.sensorium;

import java.nio.file.Path;

/**
 * Where each file of a recorded session lies (docs/recording-layout.md): the Sensorium 2023 layout under
 * {@code data/} and {@code meta/}, and what replay and scoring need beyond it under {@code twinloop/}.
 */
public record RecordingLayout(Path root) {

    /** The Sensorium tiers this project writes: training, validation with repeats, test with repeats. */
    public static final String TRAIN = "train";
    public static final String ORACLE = "oracle";
    public static final String TEST = "final_test_main";

    /** Sensorium: {@code float32 [36, 64, T]}, the frames box-averaged, 0..255. */
    public Path video(int trial) {
        return root.resolve("data/videos/" + trial + ".npy");
    }

    /** Sensorium: {@code float32 [U, T]}. */
    public Path responses(int trial) {
        return root.resolve("data/responses/" + trial + ".npy");
    }

    /** Sensorium: {@code float32 [2, T]}, pupil radius (dilation) and running speed at each frame. */
    public Path behavior(int trial) {
        return root.resolve("data/behavior/" + trial + ".npy");
    }

    /** Sensorium: {@code float32 [2, T]}, pupil centre x and y at each frame. */
    public Path pupilCenter(int trial) {
        return root.resolve("data/pupil_center/" + trial + ".npy");
    }

    public Path responsesDirectory() {
        return root.resolve("data/responses");
    }

    /** Sensorium: {@code <U [N]}, the tier of each trial. */
    public Path tiers() {
        return root.resolve("meta/trials/tiers.npy");
    }

    /** Sensorium: {@code int64 [U]}. */
    public Path unitIds() {
        return root.resolve("meta/neurons/unit_ids.npy");
    }

    /** Sensorium: {@code float32 [C]} (or scalar for videos), a statistic over the training tier. */
    public Path statistic(String dataKey, String statistic) {
        return root.resolve("meta/statistics/" + dataKey + "/all/" + statistic + ".npy");
    }

    /** twinloop: {@code uint8 [T, H, W]}, the frames at the resolution shown, for replay. */
    public Path frames(int trial) {
        return root.resolve("twinloop/frames/" + trial + ".npy");
    }

    /** twinloop: {@code float32 [U, T]}, the noise-free expected response (synthetic recordings only). */
    public Path noiseless(int trial) {
        return root.resolve("twinloop/noiseless/" + trial + ".npy");
    }

    /** twinloop: {@code float64 [K, 4]}, eye tracker samples: seconds from trial start, pupil x, y, radius. */
    public Path eye(int trial) {
        return root.resolve("twinloop/eye/" + trial + ".npy");
    }

    /** twinloop: {@code float64 [K, 2]}, treadmill samples: seconds from trial start, velocity. */
    public Path treadmill(int trial) {
        return root.resolve("twinloop/treadmill/" + trial + ".npy");
    }

    /** twinloop: {@code int64 [N]}, the clip each trial showed; equal ids are repeats of the same frames. */
    public Path clipIds() {
        return root.resolve("twinloop/trials/clip_ids.npy");
    }

    /** twinloop: {@code <U [N]}, the stimulus domain of each trial. */
    public Path domains() {
        return root.resolve("twinloop/trials/domains.npy");
    }

    /** twinloop: the synthetic mouse's per-neuron ground truth. */
    public Path groundTruth() {
        return root.resolve("twinloop/ground_truth.json");
    }

    /** twinloop: how the session was made (seed, sizes, rates). */
    public Path session() {
        return root.resolve("twinloop/session.json");
    }
}
