package io.twinloop.ops.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.CheckpointException;
import io.twinloop.inference.checkpoint.TorchCheckpoint;
import io.twinloop.inference.checkpoint.TwinloopCheckpoint;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import io.twinloop.inference.model.network.NetworkLoader;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.training.CohortTrainingModel;
import io.twinloop.inference.training.NetworkTrainingModel;
import io.twinloop.inference.training.ReadoutStart;
import io.twinloop.inference.training.TrainingConfig;
import io.twinloop.inference.training.data.ClipSampler;
import io.twinloop.inference.training.data.TrialSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the models that training starts from: a network per mouse with fnn's initialisation, all on
 * one core (a cohort), whose core may come from a checkpoint (a core trained by twinloop, or fnn's
 * published {@code params_core.pt}).
 */
public final class TwinModels {

    private static final Logger LOG = LoggerFactory.getLogger(TwinModels.class);
    private static final String CORE_PREFIX = CohortTrainingModel.CORE + ".";

    private TwinModels() {
    }

    /**
     * @param configName {@code small} or {@code published}
     * @param mice       the mice of the cohort (one mouse: an individual model)
     * @param seed       seeds the initialisation
     * @param core       a checkpoint whose {@code core.*} tensors replace the initial core, or null
     * @param manager    holds the parameters
     */
    public static CohortTrainingModel build(String configName, List<MouseRecording> mice, long seed, Path core,
                                            int trainTrials, NDManager manager) throws java.io.IOException {
        Map<String, NDArray> sharedCore = core == null ? null : coreTensors(core, manager);
        Map<String, NetworkTrainingModel> models = new LinkedHashMap<>();
        for (int i = 0; i < mice.size(); i++) {
            MouseRecording mouse = mice.get(i);
            NetworkConfig config = NetworkLoader.config(configName, mouse.units());
            Engine.getInstance().setRandomSeed((int) (seed + i));
            StateDict state = StateDict.initialise(manager);
            Network.initialise(config, state);
            Map<String, NDArray> tensors = new LinkedHashMap<>(state.tensors());
            if (sharedCore == null) {
                sharedCore = new LinkedHashMap<>();
                for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                    if (e.getKey().startsWith(CORE_PREFIX)) {
                        sharedCore.put(e.getKey(), e.getValue());
                    }
                }
            }
            replaceCore(tensors, sharedCore, core);
            startAtMeanRates(tensors, config.streams(), mouse.unitMeans(trainTrials));
            models.put(mouse.name(), new NetworkTrainingModel(config, tensors));
        }
        return new CohortTrainingModel(models);
    }

    /**
     * Sets every stream's readout bias to the log of each unit's mean response over the training trials. fnn
     * starts the readout at zero (every rate 1), and a run then spends its first hundreds of steps learning
     * the units' mean rates; from their logs, every step goes to what the stimulus and behaviour explain.
     */
    private static void startAtMeanRates(Map<String, NDArray> tensors, int streams, double[] unitMeans) {
        float[] logMeans = new float[unitMeans.length];
        for (int u = 0; u < unitMeans.length; u++) {
            logMeans[u] = (float) Math.log(Math.max(unitMeans[u], ReadoutStart.MIN_MEAN_RATE));
        }
        for (int s = 0; s < streams; s++) {
            NDArray bias = tensors.get("readout.biases." + s);
            bias.set(new ai.djl.ndarray.index.NDIndex("..."), bias.getManager().create(logMeans, bias.getShape()));
        }
    }

    /**
     * Starts every mouse's readout from its training responses ({@link ReadoutStart}), on the model's core as it
     * is, and logs how well the starting positions correlate.
     *
     * @param sources each mouse's training trials, by mouse name
     */
    public static void startReadouts(CohortTrainingModel model, Map<String, TrialSource> sources,
                                     TrainingConfig training) throws java.io.IOException {
        for (Map.Entry<String, NetworkTrainingModel> mouse : model.mice().entrySet()) {
            TrialSource source = sources.get(mouse.getKey());
            ClipSampler sampler = new ClipSampler(source, training.clipLength(), training.batchSize());
            ReadoutStart.Summary summary = ReadoutStart.apply(mouse.getValue().config(), mouse.getValue().tensors(),
                    sampler, source.trials(true).size(), training.burninFrames());
            LOG.info("{}: readout started from {} training frames; median multiple correlation at the chosen cell "
                            + "(in sample) {}, median share of its R^2 above chance {}, "
                            + "median starting log-rate s.d. {}", mouse.getKey(), summary.frames(),
                    String.format("%.3f", summary.medianCorrelation()),
                    String.format("%.3f", summary.medianAboveChance()),
                    String.format("%.3f", summary.medianModulation()));
        }
    }

    /** Puts the shared core's tensors in place of the mouse's own, checking keys and shapes. */
    private static void replaceCore(Map<String, NDArray> tensors, Map<String, NDArray> core, Path source) {
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if (!e.getKey().startsWith(CORE_PREFIX)) {
                continue;
            }
            NDArray shared = core.get(e.getKey());
            if (shared == null) {
                throw new CheckpointException(source + ": no core tensor '" + e.getKey()
                        + "'; is it a checkpoint of the same --model-config?");
            }
            if (!shared.getShape().equals(e.getValue().getShape())) {
                throw new CheckpointException(source + ": core tensor '" + e.getKey() + "' has shape " + shared.getShape()
                        + ", this --model-config needs " + e.getValue().getShape());
            }
            if (shared != e.getValue()) {
                e.getValue().close();
                e.setValue(shared);
            }
        }
        for (String key : core.keySet()) {
            if (!tensors.containsKey(key)) {
                throw new CheckpointException(source + ": core tensor '" + key + "' is not part of this --model-config");
            }
        }
    }

    /** @return the {@code core.*} tensors of a .twinloop checkpoint or a torch.save core file */
    static Map<String, NDArray> coreTensors(Path file, NDManager manager) {
        Map<String, NDArray> all = file.toString().endsWith(".twinloop")
                ? TorchCheckpoint.toNDArrays(manager, TwinloopCheckpoint.read(file).tensors())
                : TorchCheckpoint.toNDArrays(manager, TorchCheckpoint.read(file));
        Map<String, NDArray> core = new LinkedHashMap<>();
        all.forEach((key, value) -> {
            if (key.startsWith(CORE_PREFIX)) {
                core.put(key, value.toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
            } else {
                value.close();
            }
        });
        if (core.isEmpty()) {
            throw new CheckpointException(file + ": no core.* tensors");
        }
        return core;
    }
}
