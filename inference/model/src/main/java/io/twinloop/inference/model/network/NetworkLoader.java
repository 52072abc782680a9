package io.twinloop.inference.model.network;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.twinloop.inference.checkpoint.TorchCheckpoint;
import io.twinloop.inference.checkpoint.TwinloopCheckpoint;
import io.twinloop.inference.model.CheckpointException;
import io.twinloop.inference.model.StateDict;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Builds a {@link Network} the way a user names it: a configuration by name ({@code small},
 * {@code published}) with seeded initial weights, or the weights of checkpoint files (fnn's
 * {@code torch.save} files — {@code params_core.pt} plus a mouse's {@code params_*.pt} — or one
 * {@code .twinloop} file).
 */
public final class NetworkLoader {

    private NetworkLoader() {
    }

    /** @return the configuration of the given name with U units */
    public static NetworkConfig config(String name, int units) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "small" -> NetworkConfig.small(units);
            case "tiny" -> NetworkConfig.tiny(units);
            case "published" -> NetworkConfig.published(units);
            default -> throw new IllegalArgumentException("unknown model configuration '" + name
                    + "': use tiny, small or published");
        };
    }

    /** A network of the named configuration with fnn's initialisation, reproducible from {@code seed}. */
    public static Network initialise(NDManager manager, String configName, int units, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        return Network.initialise(config(configName, units), StateDict.initialise(manager));
    }

    /**
     * Loads a network from checkpoint files; the number of units comes from the checkpoint.
     *
     * @param configName the architecture the checkpoint was trained with (a torch.save file does
     *                   not say); ignored for {@code .twinloop} files, which do
     * @throws CheckpointException naming the file or key when the files do not fit the architecture
     */
    public static Network load(NDManager manager, String configName, List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no checkpoint files given");
        }
        if (files.size() == 1 && files.get(0).toString().endsWith(".twinloop")) {
            TwinloopCheckpoint checkpoint = TwinloopCheckpoint.read(files.get(0));
            String name = checkpoint.architecture().path("name").asText(configName);
            return Network.load(config(name, checkpoint.units()), checkpoint.toStateDict(manager));
        }
        StateDict tensors = TorchCheckpoint.load(manager, files.toArray(Path[]::new));
        NDArray mu = tensors.peek(Network.POSITION_MEAN_KEY);
        if (mu == null) {
            throw new CheckpointException("missing key '" + Network.POSITION_MEAN_KEY + "' in " + files
                    + ": give a mouse's scan file (params_<session>_<scan>.pt) as well as the core");
        }
        int units = Math.toIntExact(mu.getShape().get(0));
        return Network.load(config(configName, units), tensors);
    }
}
