package io.twinloop.inference.checkpoint;

import io.twinloop.inference.model.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged or foreign files fail with a CheckpointException that names the file and the problem. */
class TorchCheckpointCorruptionTest {

    @TempDir
    Path dir;

    @Test
    void truncatedArchive() throws IOException {
        byte[] whole = Files.readAllBytes(TestFiles.SCAN);
        Path file = Files.write(dir.resolve("truncated.pt"), Arrays.copyOf(whole, whole.length / 2));
        assertFails(file, "not a torch.save zip archive", "truncated or damaged zip");
    }

    @Test
    void randomBytes() throws IOException {
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        noise[0] = 'x';
        Path file = Files.write(dir.resolve("noise.pt"), noise);
        assertFails(file, "not a torch.save zip archive", "no zip structure");
    }

    @Test
    void emptyAndAbsentFiles() throws IOException {
        assertFails(Files.write(dir.resolve("empty.pt"), new byte[0]), "empty file");
        assertFails(dir.resolve("absent.pt"), "no such checkpoint file");
    }

    @Test
    void legacyFormatOfOldTorch() {
        assertFails(TestFiles.LEGACY, "legacy format of torch < 1.6");
    }

    @Test
    void zipThatIsNotACheckpoint() throws IOException {
        Path file = ZipRewriter.zipOf(dir.resolve("other.zip"), Map.of("readme.txt", "hi".getBytes()));
        assertFails(file, "without a data.pkl");
    }

    @Test
    void garbagePickle() throws IOException {
        byte[] noise = new byte[300];
        new Random(2).nextBytes(noise);
        noise[0] = (byte) 0x80;
        noise[1] = 2;
        Path file = ZipRewriter.rewrite(TestFiles.LAYOUTS, dir.resolve("garbage.pt"),
                Map.of("layouts/data.pkl", noise));
        assertFails(file, "unreadable data.pkl");
    }

    @Test
    void truncatedPickle() throws IOException {
        byte[] pickle = record(TestFiles.LAYOUTS, "layouts/data.pkl");
        Path file = ZipRewriter.rewrite(TestFiles.LAYOUTS, dir.resolve("short.pt"),
                Map.of("layouts/data.pkl", Arrays.copyOf(pickle, pickle.length / 2)));
        assertFails(file, "unreadable data.pkl");
    }

    @Test
    void pickleOfSomethingElse() throws IOException {
        // protocol 2: an empty list, then STOP
        byte[] list = {(byte) 0x80, 2, ']', '.'};
        Path file = ZipRewriter.rewrite(TestFiles.LAYOUTS, dir.resolve("list.pt"), Map.of("layouts/data.pkl", list));
        assertFails(file, "not a dictionary of tensors");
    }

    @Test
    void missingStorageRecordNamesTheKey() throws IOException {
        Map<String, byte[]> drop = new HashMap<>();
        drop.put("layouts/data/3", null); // the 100-element int64 storage viewed by "int64.offset"
        Path file = ZipRewriter.rewrite(TestFiles.LAYOUTS, dir.resolve("missing.pt"), drop);
        assertFails(file, "key 'int64.offset'", "storage record 'layouts/data/3' is missing");
    }

    @Test
    void storageTooShortForItsViewNamesTheKey() throws IOException {
        Path file = ZipRewriter.rewrite(TestFiles.LAYOUTS, dir.resolve("short-storage.pt"),
                Map.of("layouts/data/3", new byte[16]));
        assertFails(file, "key 'int64.offset'", "holds 16 bytes");
    }

    @Test
    void unknownByteOrder() throws IOException {
        Path file = ZipRewriter.rewrite(TestFiles.LAYOUTS, dir.resolve("order.pt"),
                Map.of("layouts/byteorder", "middle".getBytes(StandardCharsets.US_ASCII)));
        assertFails(file, "unknown byteorder 'middle'");
    }

    private static byte[] record(Path zipFile, String name) throws IOException {
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            return zip.getInputStream(zip.getEntry(name)).readAllBytes();
        }
    }

    private static void assertFails(Path file, String... fragments) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(file));
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "says '" + fragment + "': " + e.getMessage());
        }
    }
}
