package io.twinloop.inference.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.inference.model.CheckpointException;
import io.twinloop.inference.model.StateDict;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * twinloop's own checkpoint format for models it trains or exports (see
 * {@code docs/checkpoint-format.md}): a zip holding {@code twinloop.json} (format, version, unit
 * count, the architecture configuration, free metadata, the tensor index) and one NumPy
 * {@code params/<key>.npy} per tensor, so that Python reads it with nothing but numpy.
 *
 * @param architecture the configuration that builds the network; opaque here, a JSON object
 * @param units        neurons the readout predicts
 * @param metadata     anything else worth keeping (provenance, training run, scores); a JSON object
 * @param tensors      state_dict keys to tensors, in order
 */
public record TwinloopCheckpoint(JsonNode architecture, int units, JsonNode metadata,
                                 Map<String, TensorData> tensors) {

    public static final String FORMAT = "twinloop-checkpoint";
    public static final int VERSION = 1;
    public static final String MANIFEST = "twinloop.json";
    public static final String PARAMS = "params/";

    private static final ObjectMapper JSON = new ObjectMapper();

    public TwinloopCheckpoint {
        architecture = requireObject(architecture, "architecture");
        metadata = metadata == null ? JsonNodeFactory.instance.objectNode() : requireObject(metadata, "metadata");
        if (units < 0) {
            throw new IllegalArgumentException("units must be >= 0, got " + units);
        }
        Map<String, TensorData> copy = new LinkedHashMap<>();
        tensors.forEach((key, tensor) -> {
            requireSafeKey(key);
            if (!key.equals(tensor.key())) {
                throw new IllegalArgumentException("tensor under key '" + key + "' is named '" + tensor.key() + "'");
            }
            copy.put(key, tensor);
        });
        tensors = Collections.unmodifiableMap(copy);
    }

    /** @return a copy: the record stays unchanged whatever the caller does with it */
    @Override
    public JsonNode architecture() {
        return architecture.deepCopy();
    }

    /** @return a copy, as {@link #architecture()} */
    @Override
    public JsonNode metadata() {
        return metadata.deepCopy();
    }

    /** @return a checkpoint of the given engine arrays (copied to the host) */
    public static TwinloopCheckpoint of(JsonNode architecture, int units, JsonNode metadata,
                                        Map<String, NDArray> arrays) {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        arrays.forEach((key, array) -> tensors.put(key, TensorData.of(key, array)));
        return new TwinloopCheckpoint(architecture, units, metadata, tensors);
    }

    /** @return the tensors as a StateDict for building the network */
    public StateDict toStateDict(NDManager manager) {
        return StateDict.of(manager, TorchCheckpoint.toNDArrays(manager, tensors));
    }

    /** Writes to a temporary file beside {@code file} and moves it into place, so no reader sees half a file. */
    public void write(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        Path partial = parent.resolve(file.getFileName() + ".partial");
        for (TensorData tensor : tensors.values()) {
            if (!tensor.dtype().hasNumpyType()) {
                throw new CheckpointException(file + ": key '" + tensor.key() + "': " + tensor.dtype()
                        + " has no NumPy type; convert it to float32 first");
            }
        }
        try {
            Files.createDirectories(parent);
            try (OutputStream os = Files.newOutputStream(partial); ZipOutputStream zip = new ZipOutputStream(os)) {
                zip.putNextEntry(new ZipEntry(MANIFEST));
                zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest()));
                zip.closeEntry();
                for (TensorData tensor : tensors.values()) {
                    writeStored(zip, PARAMS + tensor.key() + ".npy", npyBytes(tensor));
                }
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new CheckpointException(file + ": cannot write checkpoint: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
    }

    public static TwinloopCheckpoint read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": no such checkpoint file");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry manifestEntry = zip.getEntry(MANIFEST);
            if (manifestEntry == null) {
                throw new CheckpointException(file + ": no " + MANIFEST + ", not a twinloop checkpoint");
            }
            JsonNode manifest;
            try (InputStream in = zip.getInputStream(manifestEntry)) {
                manifest = JSON.readTree(in);
            }
            return fromManifest(file, zip, manifest);
        } catch (IOException e) {
            throw new CheckpointException(file + ": unreadable twinloop checkpoint: " + e.getMessage(), e);
        }
    }

    private static TwinloopCheckpoint fromManifest(Path file, ZipFile zip, JsonNode manifest) throws IOException {
        if (manifest == null || !manifest.isObject() || !FORMAT.equals(manifest.path("format").asText())) {
            throw new CheckpointException(file + ": " + MANIFEST + " does not declare \"format\": \"" + FORMAT + "\"");
        }
        JsonNode version = manifest.path("version");
        if (!version.isInt() || version.asInt() < 1) {
            throw new CheckpointException(file + ": " + MANIFEST + " has no valid \"version\"");
        }
        if (version.asInt() > VERSION) {
            throw new CheckpointException(file + ": format version " + version.asInt()
                    + " is newer than this reader (" + VERSION + ")");
        }
        JsonNode units = manifest.path("units");
        if (!units.isInt() || units.asInt() < 0) {
            throw new CheckpointException(file + ": " + MANIFEST + " has no valid \"units\"");
        }
        if (!manifest.path("architecture").isObject()) {
            throw new CheckpointException(file + ": " + MANIFEST + " has no \"architecture\" object");
        }
        if (!manifest.path("tensors").isArray()) {
            throw new CheckpointException(file + ": " + MANIFEST + " has no \"tensors\" list");
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (JsonNode entry : manifest.get("tensors")) {
            String key = entry.path("key").asText("");
            if (tensors.containsKey(key)) {
                throw new CheckpointException(file + ": key '" + key + "' is listed twice");
            }
            tensors.put(key, readTensor(file, zip, key, entry));
        }
        requireNoStrayTensors(file, zip, tensors.keySet());
        JsonNode metadata = manifest.path("metadata").isObject() ? manifest.get("metadata") : null;
        try {
            return new TwinloopCheckpoint(manifest.get("architecture"), units.asInt(), metadata, tensors);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }

    private static TensorData readTensor(Path file, ZipFile zip, String key, JsonNode entry) throws IOException {
        String what = file + ": key '" + key + "'";
        String name = PARAMS + key + ".npy";
        ZipEntry npyEntry = isSafeKey(key) ? zip.getEntry(name) : null;
        if (npyEntry == null) {
            throw new CheckpointException(what + ": record '" + name + "' is missing");
        }
        NpyArray npy;
        try (InputStream in = zip.getInputStream(npyEntry)) {
            npy = Npy.read(in, file + "!" + name);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(what + ": " + e.getMessage(), e);
        }
        TensorData tensor = TensorData.of(key, npy);
        String dtype = entry.path("dtype").asText();
        long[] shape = JSON.convertValue(entry.path("shape"), long[].class);
        if (!npy.dtype().equals(dtype) || !Arrays.equals(shape, npy.shape())) {
            throw new CheckpointException(what + ": " + name + " holds " + npy.dtype() + Arrays.toString(npy.shape())
                    + ", " + MANIFEST + " says " + dtype + Arrays.toString(shape));
        }
        return tensor;
    }

    /** A params/ record the index does not list means the index and the data disagree: refuse both. */
    private static void requireNoStrayTensors(Path file, ZipFile zip, Set<String> keys) {
        Set<String> listed = new HashSet<>();
        keys.forEach(k -> listed.add(PARAMS + k + ".npy"));
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (name.startsWith(PARAMS) && !listed.contains(name)) {
                throw new CheckpointException(file + ": record '" + name + "' is not listed in " + MANIFEST);
            }
        }
    }

    private ObjectNode manifest() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("units", units);
        root.set("architecture", architecture);
        root.set("metadata", metadata);
        ArrayNode index = root.putArray("tensors");
        for (TensorData tensor : tensors.values()) {
            ObjectNode entry = index.addObject();
            entry.put("key", tensor.key());
            entry.put("dtype", tensor.dtype().numpy());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(tensor.shape()).forEach(shape::add);
        }
        return root;
    }

    private static byte[] npyBytes(TensorData tensor) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Npy.write(bytes, tensor.toNpy());
        return bytes.toByteArray();
    }

    /** Stored, not deflated: weights barely compress, and numpy can then read the records in place. */
    static void writeStored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }

    private static JsonNode requireObject(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        return node.deepCopy();
    }

    private static void requireSafeKey(String key) {
        if (!isSafeKey(key)) {
            throw new IllegalArgumentException("key '" + key + "' cannot name a file: it must be non-empty, "
                    + "without '/', '\\\\' or control characters, and not '.' or '..'");
        }
    }

    /** Keys become record names, so they must stay inside params/ on any file system. */
    private static boolean isSafeKey(String key) {
        return key != null && !key.isEmpty() && !key.equals(".") && !key.equals("..")
                && key.chars().noneMatch(c -> c == '/' || c == '\\' || c < 0x20 || c == 0x7f);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the write already failed; that error is the one to report
        }
    }
}
