package io.twinloop.inference.checkpoint;

import io.twinloop.inference.model.CheckpointException;
import net.razorvine.pickle.PickleException;

import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plain attributes (ints, floats, booleans, strings) of the top-level module of a TorchScript file
 * ({@code torch.jit.save}), read from its {@code data.pkl} without running the module. DJL's engine can
 * run a module's methods but not read its attributes; the archive is the same zip + pickle container as
 * {@code torch.save}'s, so the one reader of that format reads them. Tensors and submodules are left out.
 */
public final class TorchScriptAttributes {

    private TorchScriptAttributes() {
    }

    /**
     * @return attribute name to value (Integer or Long, Double, Boolean, String), in the pickle's order
     * @throws CheckpointException when the file is not a torch zip archive or its pickle cannot be read
     */
    public static Map<String, Object> read(Path file) {
        try (TorchArchive archive = TorchArchive.open(file); ByteArrayInputStream in = archive.pickle()) {
            Object root = TorchPickle.unpickle(in);
            if (!(root instanceof Map<?, ?> attributes)) {
                throw new CheckpointException(file + ": data.pkl holds a " + TorchPickle.describe(root)
                        + ", not a TorchScript module");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : attributes.entrySet()) {
                Object v = e.getValue();
                if (e.getKey() instanceof String name && (v instanceof Number || v instanceof Boolean
                        || v instanceof String)) {
                    out.put(name, v);
                }
            }
            return out;
        } catch (IOException | PickleException e) {
            throw new CheckpointException(file + ": cannot read the module's attributes: " + e.getMessage(), e);
        }
    }
}
