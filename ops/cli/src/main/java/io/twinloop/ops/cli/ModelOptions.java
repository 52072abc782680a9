package io.twinloop.ops.cli;

import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkLoader;
import io.twinloop.inference.model.Twin;
import io.twinloop.inference.model.network.FnnTwin;
import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.inference.session.SessionStepper;
import io.twinloop.inference.torchscript.TorchScriptTwin;
import io.twinloop.inference.model.numerics.NumericsSelfCheck;
import io.twinloop.inference.model.elements.Bf16Kernels;
import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.elements.Precision;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Which model serves: checkpoint files, or a named configuration with seeded initial weights. */
public final class ModelOptions {

    @Option(names = "--params", paramLabel = "FILE",
            description = "checkpoint files: fnn's params_core.pt plus a mouse's params_<session>_<scan>.pt"
                    + " (torch.save), or one .twinloop file; without them the model is initialised from --seed")
    List<Path> params = new ArrayList<>();

    @Option(names = "--model-config",
            description = "architecture: tiny or small (CPU-friendly widths) or published (Wang et al. 2025);"
                    + " default: published for torch.save checkpoints (fnn's), small for an initialised model;"
                    + " a .twinloop checkpoint names its own")
    String configName;

    @Option(names = "--units", defaultValue = "1000",
            description = "neurons of an initialised model; a checkpoint brings its own (default: ${DEFAULT-VALUE})")
    int units;

    @Option(names = "--seed", defaultValue = "7", description = "seed of an initialised model (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--model-id", defaultValue = "twin",
            description = "the id sessions name in their start message to be served by this model (default: ${DEFAULT-VALUE})")
    String modelId;

    @Option(names = "--torchscript", paramLabel = "FILE",
            description = "a twin trained in PyTorch, saved as TorchScript to twinloop's step contract (docs/twins.md;"
                    + " metadata in FILE's .json beside it); instead of --params. Serve trusted files only")
    Path torchscript;

    @Option(names = "--precision", split = ",", paramLabel = "fp32|bf16", converter = PrecisionConverter.class,
            description = "arithmetic of the Java port's convolutions: fp32 (default) or bf16 (bfloat16 inputs and"
                    + " weights, fp32 accumulation; CPUs with AVX512-BF16 or AMX only). bench takes a list: fp32,bf16")
    List<Precision> precisions = new ArrayList<>(List.of(Precision.FP32));

    /** the self-check of the last model created, or null */
    private NumericsSelfCheck.Report numerics;

    @Option(names = NumericsGate.OVERRIDE,
            description = "serve even when the numerics self-check finds this CPU's kernels computing the model wrong"
                    + " (the predictions may then be wrong; /health says so)")
    boolean skipNumericsCheck;

    @Option(names = "--torch-threads",
            description = "libtorch's intra-op threads; default: 1 for the service (run, demo, replay), whose"
                    + " Kafka clients need the other cores, and every core for predict and bench")
    Integer torchThreads;

    /**
     * Sets libtorch's thread count, before the engine starts. Spinning OpenMP threads that compete
     * with Kafka's for 2 cores made a small-model step 50x slower here; one thread per model is the
     * safe default for the service.
     */
    void configureThreads(int serviceDefault) {
        TorchThreads.configure(torchThreads != null ? torchThreads : serviceDefault);
    }

    /**
     * @param command  the command's name, for the self-check's messages
     * @param maxBatch the largest batch the command steps (the self-check covers it)
     * @return the network, its parameters owned by {@code manager}, checked by the numerics self-check
     * @throws IllegalArgumentException when the self-check fails (unless overridden)
     */
    public Network createNetwork(NDManager manager, String command, int maxBatch) {
        for (Precision p : precisions) {
            if (p == Precision.BF16) {
                Bf16Kernels.requireSupported();
            }
        }
        Network network = params.isEmpty()
                ? NetworkLoader.initialise(manager, configName == null ? "small" : configName, units, seed)
                : NetworkLoader.load(manager, configName == null ? "published" : configName, params);
        if (precisions.size() == 1) {
            Convolution2d.precision(precisions.get(0));
        }
        numerics = null;
        // each precision's kernels are other kernels: check the model in each it will run in
        for (Precision p : precisions) {
            NumericsSelfCheck.Report report = Convolution2d.withPrecision(p,
                    () -> NumericsGate.check(command + " (" + p + ")", network, maxBatch, false, skipNumericsCheck));
            numerics = numerics == null || numerics.passed() ? report : numerics;
        }
        return network;
    }

    /**
     * @return the one precision the model runs in
     * @throws IllegalArgumentException when several were named (only bench compares them)
     */
    public Precision precision() {
        if (precisions.size() != 1) {
            throw new IllegalArgumentException("--precision: give one of fp32 or bf16 (a list is for bench only)");
        }
        return precisions.get(0);
    }

    /** @return every precision named, in order (bench measures each) */
    public List<Precision> precisions() {
        return List.copyOf(precisions);
    }

    /** picocli's conversion: fp32 or bf16, anything else refused in one line */
    static final class PrecisionConverter implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            return Precision.parse(value);
        }
    }

    /**
     * @return a stepper over a new network or TorchScript twin, checked as {@link #createNetwork} says; closing the
     *         stepper frees it too
     */
    public SessionStepper createStepper(String command, int maxBatch) {
        if (servesTorchScript()) {
            return new BatchedSessionStepper(loadTorchScript(), true);
        }
        precision();
        NDManager manager = NDManager.newBaseManager();
        try {
            return BatchedSessionStepper.owning(createNetwork(manager, command, maxBatch));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * @param manager owns the Java port's parameters (a TorchScript twin has its own, freed by closing it)
     * @return the named twin: a TorchScript twin, or fnn's network in Java (all streams, dark periphery), checked
     *         as {@link #createNetwork} says
     */
    public Twin createTwin(NDManager manager, String command, int maxBatch) {
        if (servesTorchScript()) {
            return loadTorchScript();
        }
        return new FnnTwin(createNetwork(manager, command, maxBatch));
    }

    /** @return the {@code --torchscript} twin, loaded and checked; refused with {@code --precision bf16} */
    private TorchScriptTwin loadTorchScript() {
        if (precision() != Precision.FP32) {
            throw new IllegalArgumentException("--precision bf16 applies to the Java port, not to a --torchscript"
                    + " twin (it computes in whatever types its file does)");
        }
        return TorchScriptTwin.load(torchscript);
    }

    /** @return why the loaded model's numbers cannot be trusted (its self-check failed, overridden), or null */
    public String untrustedNumerics() {
        return numerics == null || numerics.passed() ? null : numerics.summary();
    }

    /** @return the TorchScript twin's file, or null */
    public Path torchscript() {
        return torchscript;
    }

    /** @return whether the TorchScript twin serves instead of the Java port (refused when both are named) */
    public boolean servesTorchScript() {
        if (torchscript != null && !params.isEmpty()) {
            throw new IllegalArgumentException("--torchscript and --params name two models: give one");
        }
        return torchscript != null;
    }

    /** @return the configuration named by --model-config, or "default" */
    public String configName() {
        return configName == null ? "default" : configName;
    }

    public String modelId() {
        return modelId;
    }
}
