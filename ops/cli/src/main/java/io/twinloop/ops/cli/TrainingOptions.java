package io.twinloop.ops.cli;

import io.twinloop.inference.training.CosineSchedule;
import io.twinloop.inference.training.Adam;
import io.twinloop.inference.training.NesterovSgd;
import io.twinloop.inference.training.OptimiserSettings;
import io.twinloop.inference.training.TrainingConfig;
import io.twinloop.ops.training.ReadoutInitialisation;
import io.twinloop.inference.model.network.NetworkLoader;
import picocli.CommandLine.Option;

/** How to train (shared by {@code train} and {@code experiment}); fnn's names in the descriptions. */
public final class TrainingOptions {

    @Option(names = "--model-config", defaultValue = "small",
            description = "architecture: small or published (default: ${DEFAULT-VALUE})")
    public String configName;

    @Option(names = "--epochs", defaultValue = "12", description = "epochs (default: ${DEFAULT-VALUE})")
    public int epochs;

    @Option(names = "--batches", defaultValue = "16",
            description = "training batches per epoch [loader.training_size] (default: ${DEFAULT-VALUE})")
    int batches;

    @Option(names = "--validation-batches", defaultValue = "4",
            description = "validation batches per epoch, from the oracle tier (default: ${DEFAULT-VALUE})")
    int validationBatches;

    @Option(names = "--batch-size", defaultValue = "5", description = "clips per batch, 5 in the paper (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--clip-length", defaultValue = "70", description = "frames per clip, 70 in the paper (default: ${DEFAULT-VALUE})")
    int clipLength;

    @Option(names = "--burnin", defaultValue = "10",
            description = "leading frames of a clip left out of the loss (default: ${DEFAULT-VALUE})")
    int burnin;

    @Option(names = "--lr", defaultValue = "0.05", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;

    /** The optimisers {@code --optimizer} chooses from. */
    public enum OptimiserChoice { SGD, ADAM }

    @Option(names = "--optimizer", defaultValue = "SGD",
            description = "SGD: fnn's SGD with Nesterov momentum 0.9 and adaptive clipping (--clip, --clip-eps); ADAM: "
                    + "Adam (betas 0.9, 0.999), which moves every weight by about --lr per step, for runs far shorter "
                    + "than fnn's (try --lr 0.003) (default: ${DEFAULT-VALUE})")
    OptimiserChoice optimiser;

    @Option(names = "--clip", defaultValue = "0.1",
            description = "adaptive gradient clipping ratio [optimizer.clip] (default: ${DEFAULT-VALUE})")
    double clip;

    @Option(names = "--clip-eps", defaultValue = "0.01",
            description = "floor of a parameter's norm in adaptive clipping [optimizer.eps]: a parameter that starts at"
                    + " zero (the readout's features) moves at most lr * clip * eps at first (default: ${DEFAULT-VALUE})")
    double clipEps;

    @Option(names = "--warmup-epochs", defaultValue = "1",
            description = "linear warm-up epochs before the cosine decay (default: ${DEFAULT-VALUE})")
    int warmupEpochs;

    @Option(names = "--cycle", defaultValue = "0",
            description = "epochs per cosine cycle (warm restart after each); 0: one cycle over all epochs (default: ${DEFAULT-VALUE})")
    int cycle;

    @Option(names = "--seed", defaultValue = "7", description = "seeds initialisation and clip draws (default: ${DEFAULT-VALUE})")
    public long seed;

    @Option(names = "--readout-start", defaultValue = "AUTO",
            description = "how each mouse's readout starts: RESPONSES (positions, features and biases regressed from "
                    + "the training responses on the core's map), MEAN_RATES (fnn's zeros, biases at the log mean "
                    + "responses), AUTO (RESPONSES on a frozen core, else MEAN_RATES) (default: ${DEFAULT-VALUE})")
    public ReadoutInitialisation readoutStart;

    @Option(names = "--torch-threads", description = "libtorch intra-op threads (default: all cores)")
    Integer torchThreads;

    @Option(names = NumericsGate.OVERRIDE,
            description = "train even when the numerics self-check finds this CPU's kernels computing the model or its"
                    + " gradients wrong (the training then learns from wrong numbers)")
    boolean skipNumericsCheck;

    /**
     * The numerics self-check of the configuration to be trained, forward and backward, at batch 1 and the batch
     * size; call after {@link #configureThreads}.
     *
     * @throws IllegalArgumentException when it fails (unless overridden)
     */
    public void checkNumerics(String command) {
        NumericsGate.check(command, NetworkLoader.config(configName, 8), batchSize, true, skipNumericsCheck);
    }

    /** Sets libtorch's thread count; call before the engine starts. */
    public void configureThreads() {
        TorchThreads.configure(torchThreads != null ? torchThreads : 0);
    }

    public TrainingConfig config() {
        return config(epochs, batches);
    }

    /** @return the training configuration for a run of {@code epochCount} epochs of {@code batchCount} batches */
    public TrainingConfig config(int epochCount, int batchCount) {
        int cycleSize = cycle > 0 ? Math.min(cycle, epochCount) : epochCount;
        int warmup = Math.min(warmupEpochs, cycleSize - 1);
        OptimiserSettings settings = optimiser == OptimiserChoice.ADAM ? Adam.Settings.defaults()
                : new NesterovSgd.Settings(0, 0.9, true, clip, clipEps);
        return new TrainingConfig(learningRate, settings,
                new CosineSchedule(cycleSize, warmup, warmup > 0 ? 1 : 0), seed, clipLength, batchSize, batchCount,
                validationBatches, burnin, true);
    }
}
