package io.twinloop.ops.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.numerics.ComputeEnvironment;
import io.twinloop.inference.torchscript.TorchScriptTwin;
import io.twinloop.ops.bench.MatmulPeak;
import io.twinloop.ops.bench.ModelStepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code twinloop bench}: model step time at several batch sizes, side by side with the machine's
 * matrix-multiply peak measured in the same run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the model step per batch size and compare its arithmetic rate with the matmul peak"
                + " measured in the same run. Prints a table and one JSON line.")
public final class BenchCommand implements Callable<Integer> {

    /**
     * Floating-point operations of one frame of one session of the published architecture: every
     * convolution (2 x output elements x kernel volume x input channels per group) and attention
     * product, counted on fnn's own module for a warm frame (8.43 GFLOP; the paper gives ~8.4).
     * See docs/benchmarks.md.
     */
    static final double PUBLISHED_GFLOP_PER_FRAME = 8.4335;

    @Mixin
    ModelOptions model;

    @Option(names = "--batch", split = ",", defaultValue = "1,4",
            description = "batch sizes (sessions stepped together) (default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--steps", defaultValue = "10", description = "timed steps per batch size (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--matmul-size", defaultValue = "2048", description = "n of the n x n matmul (default: ${DEFAULT-VALUE})")
    int matmulSize;

    @Override
    public Integer call() {
        model.configureThreads(0);
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        try (NDManager manager = NDManager.newBaseManager()) {
            Network network = model.createNetwork(manager, "bench", java.util.Collections.max(batches));
            boolean published = network.config().equals(
                    io.twinloop.inference.model.network.NetworkConfig.published(network.units()));
            out.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
            out.set("environment", json.valueToTree(ComputeEnvironment.current().asMap()));
            out.put("device", manager.getDevice().toString());
            out.put("threads", Runtime.getRuntime().availableProcessors());
            out.put("model", published ? "published" : "other");
            out.put("units", network.units());
            ArrayNode rows = out.putArray("batches");
            System.err.printf("%-6s %10s %10s %12s %12s %10s %14s%n", "batch", "ms/step", "frames/s", "model GFLOP/s",
                    "matmul GFLOP/s", "of peak", "state MB/session");
            for (int batch : batches) {
                // measure the yardstick next to each model run, so that both see the same machine load
                double peakBefore = MatmulPeak.gflops(manager, matmulSize, 5);
                ModelStepBenchmark.Result r = ModelStepBenchmark.run(network, batch, warmup, steps, 42);
                double peakAfter = MatmulPeak.gflops(manager, matmulSize, 5);
                double peak = (peakBefore + peakAfter) / 2;
                ObjectNode row = rows.addObject();
                row.put("batch", batch);
                row.put("ms_per_step_median", round(r.medianMs()));
                row.put("ms_per_step_min", round(r.minMs()));
                row.put("ms_per_step_max", round(r.maxMs()));
                row.put("ms_per_frame", round(r.medianMs() / batch));
                row.put("frames_per_second", round(r.framesPerSecond()));
                row.put("matmul_peak_gflops", round(peak));
                row.put("state_bytes_per_session", r.stateBytes());
                String rate = "n/a";
                String fraction = "n/a";
                if (published) {
                    double gflops = PUBLISHED_GFLOP_PER_FRAME * batch / (r.medianMs() / 1000);
                    row.put("model_gflops", round(gflops));
                    row.put("fraction_of_matmul_peak", round(gflops / peak));
                    rate = String.format(Locale.ROOT, "%.1f", gflops);
                    fraction = String.format(Locale.ROOT, "%.2f", gflops / peak);
                }
                System.err.printf(Locale.ROOT, "%-6d %10.1f %10.2f %12s %12.1f %10s %14.1f%n", batch, r.medianMs(),
                        r.framesPerSecond(), rate, peak, fraction, r.stateBytes() / 1e6);
            }
            if (model.torchscript() != null) {
                benchTorchScript(out, manager);
            }
        }
        System.out.println(out);
        return 0;
    }

    /** The TorchScript twin's rows beside the Java port's, timed the same way (no FLOP count: the file has none). */
    private void benchTorchScript(ObjectNode out, NDManager manager) {
        try (TorchScriptTwin twin = TorchScriptTwin.load(model.torchscript())) {
            ObjectNode ts = out.putObject("torchscript");
            ts.put("file", model.torchscript().toString());
            ts.put("units", twin.units());
            ts.put("input", twin.height() + " x " + twin.width());
            ArrayNode rows = ts.putArray("batches");
            System.err.printf("TorchScript %s (%d units, %d x %d):%n", model.torchscript().getFileName(), twin.units(),
                    twin.height(), twin.width());
            for (int batch : batches) {
                double peakBefore = MatmulPeak.gflops(manager, matmulSize, 5);
                ModelStepBenchmark.Result r = ModelStepBenchmark.run(twin, batch, warmup, steps, 42);
                double peak = (peakBefore + MatmulPeak.gflops(manager, matmulSize, 5)) / 2;
                ObjectNode row = rows.addObject();
                row.put("batch", batch);
                row.put("ms_per_step_median", round(r.medianMs()));
                row.put("ms_per_step_min", round(r.minMs()));
                row.put("ms_per_step_max", round(r.maxMs()));
                row.put("ms_per_frame", round(r.medianMs() / batch));
                row.put("frames_per_second", round(r.framesPerSecond()));
                row.put("matmul_peak_gflops", round(peak));
                row.put("state_bytes_per_session", r.stateBytes());
                System.err.printf(Locale.ROOT, "%-6d %10.1f %10.2f %12s %12.1f %10s %14.1f%n", batch, r.medianMs(),
                        r.framesPerSecond(), "n/a", peak, "n/a", r.stateBytes() / 1e6);
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
