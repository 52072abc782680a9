package io.twinloop.recordings.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnicodeNpyTest {

    @Test
    void roundTripsStringsOfDifferentLengthsAndNonAsciiCharacters(@TempDir Path dir) throws Exception {
        String[] tiers = {"train", "oracle", "final_test_main", "", "ä€𝄞"};
        Path file = dir.resolve("tiers.npy");
        Npy.writeStrings(file, tiers);
        assertArrayEquals(tiers, Npy.readStrings(file));
        String header = new String(Files.readAllBytes(file), 0, 128, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'descr': '<U15'"), header);
        assertTrue(Files.size(file) % 4 == 0 && (Files.size(file) - 5L * 15 * 4) % 64 == 0, "64-byte aligned header");
    }
}
