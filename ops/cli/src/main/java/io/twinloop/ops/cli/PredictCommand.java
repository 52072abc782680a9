package io.twinloop.ops.cli;

import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.perspective.Periphery;
import io.twinloop.inference.session.OfflinePredictor;
import io.twinloop.inference.torchscript.TorchScriptPredictor;
import io.twinloop.inference.torchscript.TorchScriptTwin;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code twinloop predict}: the model offline over arrays on disk, as fnn's generate_response. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Step N sessions together from a fresh state over T frames and write the responses:"
                + " stimuli uint8 [N, T, H, W], perspectives and modulations float32 [N, T, 2]; out float32 [N, T, U].")
public final class PredictCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--stimuli", required = true, paramLabel = "S.npy")
    Path stimuli;

    @Option(names = "--perspectives", required = true, paramLabel = "P.npy")
    Path perspectives;

    @Option(names = "--modulations", required = true, paramLabel = "M.npy")
    Path modulations;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy")
    Path out;

    @Option(names = "--stream", description = "one stream (0..3) instead of the mean of all")
    Integer stream;

    @Option(names = "--periphery", defaultValue = "DARK",
            description = "what the retina sees beyond the monitor: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Periphery periphery;

    @Override
    public Integer call() throws Exception {
        model.configureThreads(0);
        NpyArray s = Npy.read(stimuli);
        NpyArray p = Npy.read(perspectives);
        NpyArray m = Npy.read(modulations);
        if (model.servesTorchScript()) {
            return predictTorchScript(s, p, m);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Network network = model.createNetwork(manager, "predict", (int) s.shape()[0]);
            long started = System.nanoTime();
            NpyArray responses = new OfflinePredictor(network, stream, periphery).predict(s, p, m);
            double seconds = (System.nanoTime() - started) / 1e9;
            Npy.write(out, responses);
            System.err.printf("twinloop predict: %s -> %s %s in %.1f s%n", Arrays.toString(s.shape()), out,
                    Arrays.toString(responses.shape()), seconds);
        }
        return 0;
    }

    private int predictTorchScript(NpyArray s, NpyArray p, NpyArray m) throws java.io.IOException {
        try (TorchScriptTwin twin = TorchScriptTwin.load(model.torchscript())) {
            long started = System.nanoTime();
            NpyArray responses = new TorchScriptPredictor(twin).predict(s, p, m);
            double seconds = (System.nanoTime() - started) / 1e9;
            Npy.write(out, responses);
            System.err.printf("twinloop predict: %s -> %s %s in %.1f s (TorchScript %s, frames resized to %d x %d)%n",
                    Arrays.toString(s.shape()), out, Arrays.toString(responses.shape()), seconds,
                    model.torchscript().getFileName(), twin.height(), twin.width());
        }
        return 0;
    }
}
