package io.twinloop.inference.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.CheckpointException;
import io.twinloop.inference.model.StateDict;

import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads checkpoints written by {@code torch.save} (the zip format of torch >= 1.6, which is also
 * that of the released MICrONS weights) without Python: {@code params_core.pt},
 * {@code params_{session}_{scan}.pt}, or any state_dict.
 *
 * <p>The file may hold a state_dict (dict or OrderedDict of tensors), or a dict that wraps one under
 * {@code state_dict} / {@code model_state_dict}; nested dicts are flattened with dots, as
 * {@code nn.Module} names them. Non-tensor values (epoch counters, {@code _metadata}) are skipped.
 * Unpickling runs no code. Every failure is a {@link CheckpointException} that names the file, and
 * the key where there is one.
 */
public final class TorchCheckpoint {

    private static final List<String> WRAPPER_KEYS = List.of("state_dict", "model_state_dict");
    /** Deepest nesting of dicts read: nn.Module names are a few levels deep; a hostile file may nest thousands. */
    static final int MAX_DEPTH = 64;

    private TorchCheckpoint() {
    }

    /** @return the file's tensors in the order they were saved, contiguous and little-endian */
    public static Map<String, TensorData> read(Path file) {
        return read(file, LoadBudget.DEFAULT_BYTES);
    }

    /**
     * @param maxBytes the most bytes this load may allocate (pickle, storages, copies); a file that needs more is
     *                 refused with a {@link CheckpointException} before the allocation
     * @return the file's tensors in the order they were saved, contiguous and little-endian
     */
    public static Map<String, TensorData> read(Path file, long maxBytes) {
        try (TorchArchive archive = TorchArchive.open(file, maxBytes)) {
            Object root = unpickle(archive);
            Map<String, TorchTensorView> views = new LinkedHashMap<>();
            flatten(file, "", stateDictOf(file, root), views, 0, new java.util.IdentityHashMap<>());
            if (views.isEmpty()) {
                throw new CheckpointException(file + ": holds no tensors");
            }
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            views.forEach((key, view) -> tensors.put(key, materialise(archive, key, view)));
            return Collections.unmodifiableMap(tensors);
        }
    }

    /** @return one engine array per tensor, in the same order, each named by its key */
    public static Map<String, NDArray> toNDArrays(NDManager manager, Map<String, TensorData> tensors) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        tensors.forEach((key, tensor) -> arrays.put(key, tensor.toNDArray(manager)));
        return arrays;
    }

    /**
     * Reads several files that together make one model, as labs hold them: the shared core
     * ({@code params_core.pt}) and one mouse's perspective, modulation and readout
     * ({@code params_{session}_{scan}.pt}).
     *
     * @throws CheckpointException naming the key and both files if a key is in more than one file
     */
    public static StateDict load(NDManager manager, Path... files) {
        return StateDict.of(manager, toNDArrays(manager, readAll(files)));
    }

    /** @return the tensors of all files, merged; see {@link #load} */
    public static Map<String, TensorData> readAll(Path... files) {
        if (files.length == 0) {
            throw new CheckpointException("no checkpoint files given");
        }
        Map<String, TensorData> merged = new LinkedHashMap<>();
        Map<String, Path> origin = new HashMap<>();
        for (Path file : files) {
            for (Map.Entry<String, TensorData> e : read(file).entrySet()) {
                Path earlier = origin.putIfAbsent(e.getKey(), file);
                if (earlier != null) {
                    throw new CheckpointException("key '" + e.getKey() + "' is in both " + earlier + " and " + file);
                }
                merged.put(e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableMap(merged);
    }

    private static Object unpickle(TorchArchive archive) {
        try (ByteArrayInputStream in = archive.pickle()) {
            return TorchPickle.unpickle(in);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(archive.file() + ": unreadable data.pkl: " + e, e);
        } catch (StackOverflowError e) {
            throw new CheckpointException(archive.file() + ": unreadable data.pkl: nested too deeply", e);
        }
    }

    private static Object stateDictOf(Path file, Object root) {
        if (root instanceof Map<?, ?> map) {
            for (String wrapper : WRAPPER_KEYS) {
                if (map.get(wrapper) instanceof Map<?, ?> inner) {
                    return inner;
                }
            }
            return map;
        }
        throw new CheckpointException(file + ": data.pkl holds " + TorchPickle.describe(root)
                + ", not a dictionary of tensors");
    }

    /** @param open the dicts being flattened on the way here: one met again holds itself */
    private static void flatten(Path file, String prefix, Object node, Map<String, TorchTensorView> out, int depth,
                                Map<Object, Boolean> open) {
        if (!(node instanceof Map<?, ?> map)) {
            return;
        }
        if (depth > MAX_DEPTH) {
            throw new CheckpointException(file + ": dictionaries nested deeper than " + MAX_DEPTH + " at '"
                    + abbreviate(prefix) + "'");
        }
        if (open.put(map, Boolean.TRUE) != null) {
            throw new CheckpointException(file + ": the dictionary at '" + abbreviate(prefix) + "' contains itself");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof TorchTensorView view) {
                if (out.put(key, view) != null) {
                    throw new CheckpointException(file + ": key '" + abbreviate(key) + "' appears twice");
                }
            } else {
                flatten(file, key + ".", e.getValue(), out, depth + 1, open);
            }
        }
        open.remove(map);
    }

    /** A key for an error line: a hostile one may be very long. */
    private static String abbreviate(String key) {
        return key.length() <= 200 ? key : key.substring(0, 200) + "...";
    }

    private static TensorData materialise(TorchArchive archive, String key, TorchTensorView view) {
        String what = archive.file() + ": key '" + key + "'";
        DType dtype = view.storage().dtype().orElseThrow(() -> new CheckpointException(
                what + ": storage type torch." + view.storage().typeName() + " is not supported"));
        ByteBuffer storage = archive.storage(view.storage(), dtype, key);
        ByteBuffer data = StridedCopy.contiguous(storage, dtype.bytes(), view.offset(), view.size(), view.stride(),
                what, archive.budget());
        return new TensorData(key, dtype, view.size(), data);
    }
}
