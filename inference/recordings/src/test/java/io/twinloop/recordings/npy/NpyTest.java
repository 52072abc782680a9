package io.twinloop.recordings.npy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {

    @Test
    void roundTripsFloatsAndBytes(@TempDir Path dir) throws IOException {
        float[] values = {1.5f, -2f, 3.25f, 0f, Float.MAX_VALUE, 7f};
        Npy.write(dir.resolve("f.npy"), NpyArray.ofFloats(values, 2, 3));
        NpyArray f = Npy.read(dir.resolve("f.npy"));
        assertEquals("f4", f.dtype());
        assertArrayEquals(new long[] {2, 3}, f.shape());
        assertArrayEquals(values, f.asFloats());

        byte[] pixels = {0, 127, (byte) 255};
        Npy.write(dir.resolve("u.npy"), NpyArray.ofBytes(pixels, 3));
        NpyArray u = Npy.read(dir.resolve("u.npy"));
        assertArrayEquals(new long[] {3}, u.shape());
        assertEquals(255.0, u.asDoubles()[2]);
        assertEquals(0, (Files.size(dir.resolve("u.npy")) - 3) % 64, "header is padded to 64 bytes");
    }

    @Test
    void rejectsTruncatedAndForeignFiles(@TempDir Path dir) throws IOException {
        Npy.write(dir.resolve("f.npy"), NpyArray.ofFloats(new float[] {1, 2, 3, 4}, 4));
        byte[] whole = Files.readAllBytes(dir.resolve("f.npy"));
        Files.write(dir.resolve("short.npy"), java.util.Arrays.copyOf(whole, whole.length - 3));
        IOException truncated = assertThrows(IOException.class, () -> Npy.read(dir.resolve("short.npy")));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());

        Files.writeString(dir.resolve("text.npy"), "hello");
        IOException foreign = assertThrows(IOException.class, () -> Npy.read(dir.resolve("text.npy")));
        assertTrue(foreign.getMessage().contains("magic"), foreign.getMessage());
    }
}
