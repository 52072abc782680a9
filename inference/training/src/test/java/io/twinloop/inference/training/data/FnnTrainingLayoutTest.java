package io.twinloop.inference.training.data;

import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FnnTrainingLayoutTest {

    /** frames T, H = 2, W = 3, C = 2 channels last; pixel value = 10 t + position within the frame */
    static void writeTrial(Path root, String id, int frames, boolean training) throws IOException {
        byte[] pixels = new byte[frames * 2 * 3 * 2];
        for (int t = 0; t < frames; t++) {
            for (int i = 0; i < 12; i++) {
                pixels[t * 12 + i] = (byte) (10 * t + i);
            }
        }
        Npy.write(root.resolve("stimuli/" + id + ".npy"), NpyArray.ofBytes(pixels, frames, 2, 3, 2));
        Npy.write(root.resolve("perspectives/" + id + ".npy"), NpyArray.ofFloats(ramp(frames * 2, 0), frames, 2));
        Npy.write(root.resolve("modulations/" + id + ".npy"), NpyArray.ofFloats(ramp(frames * 2, 1000), frames, 2));
        Npy.write(root.resolve("units/" + id + ".npy"), NpyArray.ofDoubles(rampDouble(frames * 4), frames, 4));
        Npy.write(root.resolve("training/" + id + ".npy"),
                new NpyArray("b1", new long[0], ByteBuffer.wrap(new byte[] {(byte) (training ? 1 : 0)})));
    }

    static float[] ramp(int n, float offset) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = offset + i;
        }
        return out;
    }

    static double[] rampDouble(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = i * 0.5;
        }
        return out;
    }

    @Test
    void readsTheRequestedWindowChannelsFirst(@TempDir Path root) throws IOException {
        writeTrial(root, "a", 8, true);
        writeTrial(root, "b", 5, false);
        FnnTrainingLayout layout = FnnTrainingLayout.open(root);

        assertEquals(List.of("a"), layout.trials(true));
        assertEquals(List.of("b"), layout.trials(false));
        assertEquals(8, layout.frames("a"));

        Clip clip = layout.read(new ClipRequest("a", 3, 2));
        assertEquals(2, clip.channels());
        assertEquals(2, clip.height());
        assertEquals(3, clip.width());
        // frame 3, channel 1, pixel (h=0, w=1) sits at channels-last index (0 * 3 + 1) * 2 + 1 = 3
        assertEquals(30 + 3, clip.stimuli()[1 * 6 + 1]);
        // frame 4, channel 0, pixel (h=1, w=2): index (1 * 3 + 2) * 2 + 0 = 10
        assertEquals(40 + 10, clip.stimuli()[12 + 5]);
        assertArrayEquals(new float[] {6, 7, 8, 9}, clip.perspectives());
        assertArrayEquals(new float[] {1006, 1007, 1008, 1009}, clip.modulations());
        assertArrayEquals(new float[] {6, 6.5f, 7, 7.5f, 8, 8.5f, 9, 9.5f}, clip.units());
    }

    @Test
    void samplesFileGivesTheFrameCountAndTrainingDefaultsToTrue(@TempDir Path root) throws IOException {
        writeTrial(root, "a", 8, true);
        Files.delete(root.resolve("training/a.npy"));
        Npy.write(root.resolve("samples/a.npy"), NpyArray.ofLongs(new long[] {7}));
        FnnTrainingLayout layout = FnnTrainingLayout.open(root);
        assertEquals(List.of("a"), layout.trials(true));
        assertEquals(7, layout.frames("a"));
    }

    @Test
    void missingItemOrWrongPixelTypeFailsNamingTheTrial(@TempDir Path root) throws IOException {
        writeTrial(root, "a", 4, true);
        writeTrial(root, "b", 4, true);
        Files.delete(root.resolve("modulations/b.npy"));
        IOException missing = assertThrows(IOException.class, () -> FnnTrainingLayout.open(root));
        assertTrue(missing.getMessage().contains("trial b has no modulations"), missing.getMessage());

        Files.delete(root.resolve("units/b.npy"));
        Npy.write(root.resolve("stimuli/a.npy"), NpyArray.ofFloats(new float[4 * 6], 4, 2, 3));
        FnnTrainingLayout layout = FnnTrainingLayout.open(root);
        IOException wrongType = assertThrows(IOException.class, () -> layout.read(new ClipRequest("a", 0, 2)));
        assertTrue(wrongType.getMessage().contains("uint8"), wrongType.getMessage());
    }
}
