package io.twinloop.inference.checkpoint;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.inference.model.CheckpointException;
import io.twinloop.inference.model.StateDict;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwinloopCheckpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static TwinloopCheckpoint sample() throws IOException {
        JsonNode architecture = JSON.readTree("{\"core\": {\"streams\": 4, \"channels\": [16, 32]}, \"name\": \"fnn\"}");
        JsonNode metadata = JSON.readTree("{\"trained_on\": \"session 4-7\", \"cc_norm\": 0.61}");
        return new TwinloopCheckpoint(architecture, 48, metadata, TorchCheckpoint.read(TestFiles.LAYOUTS));
    }

    @Test
    void roundTripKeepsEveryTensorByteForByteAndTheConfiguration() throws IOException {
        TwinloopCheckpoint written = sample();
        Path file = dir.resolve("model.twinloop");
        written.write(file);
        assertFalse(Files.exists(dir.resolve("model.twinloop.partial")));

        TwinloopCheckpoint read = TwinloopCheckpoint.read(file);
        assertEquals(written.architecture(), read.architecture());
        assertEquals(written.metadata(), read.metadata());
        assertEquals(48, read.units());
        assertEquals(new ArrayList<>(written.tensors().keySet()), new ArrayList<>(read.tensors().keySet()));
        for (TensorData tensor : written.tensors().values()) {
            assertEquals(tensor, read.tensors().get(tensor.key()), "same key, dtype, shape and bytes");
        }
    }

    @Test
    void eachTensorIsAPlainNpyRecord() throws IOException {
        Path file = dir.resolve("model.twinloop");
        sample().write(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            NpyArray transposed = Npy.read(zip.getInputStream(zip.getEntry("params/transposed.npy")), "transposed");
            assertEquals("f4", transposed.dtype());
            assertArrayEquals(new long[] {6, 4}, transposed.shape());
            assertArrayEquals(TorchCheckpoint.read(TestFiles.LAYOUTS).get("transposed").floats(), transposed.asFloats());
            JsonNode manifest = JSON.readTree(zip.getInputStream(zip.getEntry("twinloop.json")));
            assertEquals("twinloop-checkpoint", manifest.get("format").asText());
            assertEquals(1, manifest.get("version").asInt());
            assertEquals("b1", manifest.get("tensors").get(8).get("dtype").asText());
        }
    }

    @Test
    void fromEngineArraysToStateDict() throws IOException {
        Path file = dir.resolve("fnn.twinloop");
        try (NDManager manager = NDManager.newBaseManager()) {
            StateDict loaded = TorchCheckpoint.load(manager, TestFiles.SCAN);
            Map<String, ai.djl.ndarray.NDArray> arrays = new LinkedHashMap<>();
            arrays.put("perspective.monitor.center",
                    loaded.take("perspective.monitor.center", new Shape(3), (m, s) -> null));
            TwinloopCheckpoint.of(JSON.createObjectNode(), 48, null, arrays).write(file);

            StateDict again = TwinloopCheckpoint.read(file).toStateDict(manager);
            assertArrayEquals(arrays.get("perspective.monitor.center").toFloatArray(),
                    again.take("perspective.monitor.center", new Shape(3), (m, s) -> null).toFloatArray());
            again.requireAllUsed();
        }
    }

    @Test
    void refusesKeysThatCannotBeFileNamesAndTypesNumpyLacks() throws IOException {
        Map<String, TensorData> bad = Map.of("../evil", TensorData.ofFloats("../evil", new float[] {1}, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new TwinloopCheckpoint(JSON.createObjectNode(), 1, null, bad));
        TensorData bf16 = new TensorData("half", DType.BFLOAT16, new long[] {1}, java.nio.ByteBuffer.allocate(2));
        TwinloopCheckpoint checkpoint = new TwinloopCheckpoint(JSON.createObjectNode(), 1, null, Map.of("half", bf16));
        Path file = dir.resolve("bf16.twinloop");
        CheckpointException e = assertThrows(CheckpointException.class, () -> checkpoint.write(file));
        assertTrue(e.getMessage().contains("key 'half'"), e.getMessage());
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(dir.resolve("bf16.twinloop.partial")));
    }

    @Test
    void damagedCheckpointsAreNamed() throws IOException {
        Path good = dir.resolve("good.twinloop");
        sample().write(good);
        String manifest;
        try (ZipFile zip = new ZipFile(good.toFile())) {
            manifest = new String(zip.getInputStream(zip.getEntry("twinloop.json")).readAllBytes(), StandardCharsets.UTF_8);
        }

        assertFails(damaged(good, "twinloop.json", null), "no twinloop.json");
        assertFails(damaged(good, "params/bool.npy", null), "key 'bool'", "'params/bool.npy' is missing");
        assertFails(damaged(good, "params/stray.npy", new byte[] {1}), "'params/stray.npy' is not listed");
        assertFails(damaged(good, "params/int32.npy", npy(NpyArray.ofFloats(new float[] {1, 2, 3, 4}, 2, 2))),
                "key 'int32'", "holds f4[2, 2]", "says i4[2, 2]");
        assertFails(damaged(good, "params/uint8.npy", new byte[] {1, 2, 3}), "key 'uint8'", "not a .npy file");
        assertFails(damaged(good, "twinloop.json", manifest.replace("\"version\" : 1", "\"version\" : 9")
                .getBytes(StandardCharsets.UTF_8)), "format version 9 is newer than this reader (1)");
        assertFails(damaged(good, "twinloop.json", manifest.replace("twinloop-checkpoint", "other")
                .getBytes(StandardCharsets.UTF_8)), "does not declare");
        assertFails(damaged(good, "twinloop.json", "{not json".getBytes(StandardCharsets.UTF_8)), "unreadable");
        assertFails(Files.write(dir.resolve("noise.twinloop"), new byte[] {1, 2, 3}), "unreadable");
        assertFails(TestFiles.CORE, "no twinloop.json");
    }

    private Path damaged(Path good, String record, byte[] bytes) throws IOException {
        Map<String, byte[]> change = new HashMap<>();
        change.put(record, bytes);
        return ZipRewriter.rewrite(good, Files.createTempFile(dir, "damaged", ".twinloop"), change);
    }

    private static byte[] npy(NpyArray array) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Npy.write(out, array);
        return out.toByteArray();
    }

    private static void assertFails(Path file, String... fragments) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> TwinloopCheckpoint.read(file));
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "says '" + fragment + "': " + e.getMessage());
        }
    }
}
