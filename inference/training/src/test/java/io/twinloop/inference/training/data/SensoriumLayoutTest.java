package io.twinloop.inference.training.data;

import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SensoriumLayoutTest {

    private static final int H = 2;
    private static final int W = 2;

    /** video [H, W, T] float: value 10 t + pixel; responses [3, T] = 100 u + t; behavior [2, T]; pupil_center [2, T] */
    private static void writeTrial(Path root, int trial, int videoFrames, int responseFrames) throws IOException {
        double[] video = new double[H * W * videoFrames];
        for (int p = 0; p < H * W; p++) {
            for (int t = 0; t < videoFrames; t++) {
                video[p * videoFrames + t] = 10 * t + p + 0.2;
            }
        }
        Path data = root.resolve("data");
        Npy.write(data.resolve("videos/" + trial + ".npy"), NpyArray.ofDoubles(video, H, W, videoFrames));
        Npy.write(data.resolve("responses/" + trial + ".npy"), NpyArray.ofFloats(timeLast(3, responseFrames, 100), 3, responseFrames));
        Npy.write(data.resolve("behavior/" + trial + ".npy"), NpyArray.ofFloats(timeLast(2, responseFrames, 1000), 2, responseFrames));
        Npy.write(data.resolve("pupil_center/" + trial + ".npy"), NpyArray.ofFloats(timeLast(2, responseFrames, 5000), 2, responseFrames));
    }

    private static float[] timeLast(int d, int frames, float scale) {
        float[] out = new float[d * frames];
        for (int i = 0; i < d; i++) {
            for (int t = 0; t < frames; t++) {
                out[i * frames + t] = scale * i + t;
            }
        }
        return out;
    }

    /** A NumPy unicode array as np.save writes it: '<U16', UTF-32LE, NUL-padded. */
    private static void writeTiers(Path root, String... tiers) throws IOException {
        int width = 16;
        ByteBuffer data = ByteBuffer.allocate(tiers.length * width * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (String tier : tiers) {
            for (int c = 0; c < width; c++) {
                data.putInt(c < tier.length() ? tier.charAt(c) : 0);
            }
        }
        data.flip();
        Npy.write(root.resolve("meta/trials/tiers.npy"), new NpyArray("U" + width, new long[] {tiers.length}, data));
    }

    @Test
    void tiersSplitTrialsAndClipsComeOutTimeMajor(@TempDir Path root) throws IOException {
        for (int trial = 0; trial < 11; trial++) {
            writeTrial(root, trial, 9, 8);
        }
        writeTiers(root, "train", "oracle", "train", "live_test_main", "train", "train", "train", "train", "train",
                "train", "final_test_main");
        SensoriumLayout layout = SensoriumLayout.open(root);

        // numeric trial order: 10 after 9, not after 1
        assertEquals(List.of("0", "2", "4", "5", "6", "7", "8", "9"), layout.trials(true));
        assertEquals(List.of("1"), layout.trials(false));
        assertEquals(8, layout.frames("4"), "the shorter of video and responses");

        Clip clip = layout.read(new ClipRequest("4", 2, 3));
        assertEquals(1, clip.channels());
        assertEquals(3 * H * W, clip.stimuli().length);
        assertEquals(20, clip.stimuli()[0]);
        assertEquals(30 + 3, clip.stimuli()[H * W + 3]);
        assertArrayEquals(new float[] {2, 102, 202, 3, 103, 203, 4, 104, 204}, clip.units());
        assertArrayEquals(new float[] {2, 1002, 3, 1003, 4, 1004}, clip.modulations());
        assertArrayEquals(new float[] {2, 5002, 3, 5003, 4, 5004}, clip.perspectives());
    }

    @Test
    void behaviourIsStandardisedWithTheRecordingsStatisticsAndFullFramesArePreferred(@TempDir Path root)
            throws IOException {
        writeTrial(root, 0, 9, 8);
        Path statistics = root.resolve("meta/statistics");
        Npy.write(statistics.resolve("behavior/all/mean.npy"), NpyArray.ofFloats(new float[] {1, 1000}, 2));
        Npy.write(statistics.resolve("behavior/all/std.npy"), NpyArray.ofFloats(new float[] {2, 0}, 2));
        Npy.write(statistics.resolve("pupil_center/all/mean.npy"), NpyArray.ofFloats(new float[] {0, 5000}, 2));
        Npy.write(statistics.resolve("pupil_center/all/std.npy"), NpyArray.ofFloats(new float[] {4, 1}, 2));
        // the frames as shown, 3 x 5 pixels, value 7 t + pixel
        byte[] frames = new byte[8 * 3 * 5];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = (byte) (7 * (i / 15) + i % 15);
        }
        Npy.write(root.resolve("twinloop/frames/0.npy"), NpyArray.ofBytes(frames, 8, 3, 5));

        Clip clip = SensoriumLayout.open(root).read(new ClipRequest("0", 2, 2));

        assertEquals(3, clip.height());
        assertEquals(5, clip.width());
        assertEquals(14, clip.stimuli()[0]);
        assertEquals(21 + 4, clip.stimuli()[15 + 4]);
        // (x - mean) / std, a zero std taken as 1, as the service standardises a session's telemetry
        assertArrayEquals(new float[] {0.5f, 2, 1, 3}, clip.modulations());
        assertArrayEquals(new float[] {0.5f, 2, 0.75f, 3}, clip.perspectives());
    }
}
