package io.twinloop.ops.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.numerics.ComputeEnvironment;
import io.twinloop.inference.torchscript.TorchScriptTwin;
import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.elements.Precision;
import io.twinloop.inference.model.numerics.NumericsSelfCheck;
import io.twinloop.ops.bench.ConvolutionProfile;
import io.twinloop.ops.bench.MatmulPeak;
import io.twinloop.ops.bench.PeakShapes;
import io.twinloop.ops.bench.PrecisionComparison;
import io.twinloop.ops.bench.ModelStepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Option(names = "--profile", description = "also time each of the network's convolutions on its own (which"
            + " layers dominate a step), at the largest batch, in each precision")
    boolean profile;

    @Option(names = "--peak-repeats", defaultValue = "5",
            description = "timed runs of each peak shape, measured before and after the model rows (default: ${DEFAULT-VALUE})")
    int peakRepeats;

    @Option(names = "--accuracy-frames", defaultValue = "0",
            description = "also step the network over this many frames in fp32 and bf16 side by side and report how"
                    + " far bf16's rates are from fp32's (per-unit correlation, relative error, drift); 0: not")
    int accuracyFrames;

    @Option(names = "--accuracy-sessions", defaultValue = "1",
            description = "sessions stepped together in that comparison (default: ${DEFAULT-VALUE})")
    int accuracySessions;

    @Option(names = "--skip-model-rows", description = "measure only what else is asked (peak shapes, profile,"
            + " accuracy), not the model step per batch and precision")
    boolean skipModelRows;

    @Override
    public Integer call() {
        model.configureThreads(0);
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        List<Precision> precisions = model.precisions();
        try (NDManager manager = NDManager.newBaseManager()) {
            int maxBatch = java.util.Collections.max(batches);
            Network network = model.createNetwork(manager, "bench", maxBatch);
            boolean published = network.config().equals(
                    io.twinloop.inference.model.network.NetworkConfig.published(network.units()));
            out.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
            out.set("environment", json.valueToTree(ComputeEnvironment.current().asMap()));
            out.put("device", manager.getDevice().toString());
            out.put("threads", Runtime.getRuntime().availableProcessors());
            out.put("model", published ? "published" : model.configName());
            out.put("units", network.units());
            out.put("precisions", precisions.toString());
            Convolution2d.Call largest = largestConvolution(network, maxBatch);
            Map<String, double[]> peaks = new LinkedHashMap<>();
            measurePeaks(manager, largest, precisions, peaks);
            ArrayNode rows = out.putArray("batches");
            System.err.printf("%-6s %-5s %10s %10s %12s %12s %10s %14s%n", "batch", "prec", "ms/step", "frames/s",
                    "model GFLOP/s", "matmul GFLOP/s", "of matmul", "state MB/session");
            List<ObjectNode> modelRows = new ArrayList<>();
            for (int batch : skipModelRows ? List.<Integer>of() : batches) {
                for (Precision precision : precisions) {
                    // measure the yardstick next to each model run, so that both see the same machine load
                    double peakBefore = MatmulPeak.gflops(manager, matmulSize, 5);
                    ModelStepBenchmark.Result r = Convolution2d.withPrecision(precision,
                            () -> ModelStepBenchmark.run(network, batch, warmup, steps, 42));
                    double peakAfter = MatmulPeak.gflops(manager, matmulSize, 5);
                    double peak = (peakBefore + peakAfter) / 2;
                    ObjectNode row = rows.addObject();
                    modelRows.add(row);
                    row.put("batch", batch);
                    row.put("precision", precision.toString());
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
                    System.err.printf(Locale.ROOT, "%-6d %-5s %10.1f %10.2f %12s %12.1f %10s %14.1f%n", batch,
                            precision, r.medianMs(), r.framesPerSecond(), rate, peak, fraction, r.stateBytes() / 1e6);
                }
            }
            measurePeaks(manager, largest, precisions, peaks);
            reportPeaks(out, largest, peaks, modelRows, published);
            if (profile) {
                profile(out, network, maxBatch);
            }
            if (accuracyFrames > 0) {
                accuracy(out, network);
            }
            if (model.torchscript() != null) {
                benchTorchScript(out, manager);
            }
        }
        System.out.println(out);
        return 0;
    }

    /** @return the network's convolution with the most arithmetic per call, at {@code batch} */
    private static Convolution2d.Call largestConvolution(Network network, int batch) {
        return NumericsSelfCheck.convolutions(network, 36, 64, false).stream()
                .max(java.util.Comparator.comparingDouble(PeakShapes::flops)).orElse(PeakShapes.CONV_256.withBatch(1))
                .withBatch(batch);
    }

    /** Appends one measurement of each peak shape in each precision to {@code peaks} (name -> rates). */
    private void measurePeaks(NDManager manager, Convolution2d.Call largest, List<Precision> precisions,
                              Map<String, double[]> peaks) {
        for (Precision p : precisions) {
            add(peaks, "matmul " + matmulSize + "^3 " + p, PeakShapes.matmul(manager, matmulSize, peakRepeats, p));
            add(peaks, "conv 256->256 3x3 36x64 batch 4 " + p, PeakShapes.conv(manager, PeakShapes.CONV_256,
                    peakRepeats, p));
            add(peaks, "network's largest conv " + p, PeakShapes.conv(manager, largest, peakRepeats, p));
        }
    }

    private static void add(Map<String, double[]> peaks, String name, double rate) {
        double[] before = peaks.get(name);
        double[] now = before == null ? new double[] {rate} : new double[] {before[0], rate};
        peaks.put(name, now);
    }

    /** The peak shapes (mean of the measurements before and after the model rows) and each row's fraction of the best. */
    private static void reportPeaks(ObjectNode out, Convolution2d.Call largest, Map<String, double[]> peaks,
                                    List<ObjectNode> modelRows, boolean published) {
        ObjectNode node = out.putObject("peak_shapes");
        node.put("largest_network_conv", largest.toString());
        node.put("measured", "before and after the model rows; the mean of both, and each");
        Map<String, Double> best = new LinkedHashMap<>();
        System.err.printf("%-44s %12s %22s%n", "peak shape", "GFLOP/s", "(before, after)");
        for (Map.Entry<String, double[]> e : peaks.entrySet()) {
            double[] r = e.getValue();
            double mean = Arrays.stream(r).average().orElse(Double.NaN);
            ObjectNode shape = node.putObject(e.getKey());
            shape.put("gflops", round(mean));
            shape.put("gflops_before", round(r[0]));
            shape.put("gflops_after", round(r[r.length - 1]));
            String precision = e.getKey().substring(e.getKey().lastIndexOf(' ') + 1);
            best.merge(precision, mean, Math::max);
            best.merge("any", mean, Math::max);
            System.err.printf(Locale.ROOT, "%-44s %12.1f %10.1f, %9.1f%n", e.getKey(), mean, r[0], r[r.length - 1]);
        }
        node.set("best_gflops", new ObjectMapper().valueToTree(best));
        if (published) {
            for (ObjectNode row : modelRows) {
                double gflops = row.get("model_gflops").asDouble();
                row.put("fraction_of_best_peak_same_precision", round(gflops / best.get(row.get("precision").asText())));
                row.put("fraction_of_best_peak", round(gflops / best.get("any")));
                System.err.printf(Locale.ROOT, "batch %d %s: %.2f of the best %s shape, %.2f of the best of all%n",
                        row.get("batch").asInt(), row.get("precision").asText(),
                        gflops / best.get(row.get("precision").asText()), row.get("precision").asText(),
                        gflops / best.get("any"));
            }
        }
    }

    /** Each convolution of a step timed on its own, fp32 and bf16 alternately: which layers dominate, bf16's gain. */
    private void profile(ObjectNode out, Network network, int batch) {
        ObjectNode node = out.putObject("convolution_profile");
        node.put("batch", batch);
        List<ConvolutionProfile.Row> rows = ConvolutionProfile.run(network, batch, Math.max(3, peakRepeats));
        double fp32 = rows.stream().mapToDouble(ConvolutionProfile.Row::fp32MsPerStep).sum();
        double bf16 = rows.stream().mapToDouble(ConvolutionProfile.Row::bf16MsPerStep).sum();
        node.put("fp32_total_ms", round(fp32));
        node.put("bf16_total_ms", round(bf16));
        ArrayNode list = node.putArray("convolutions");
        System.err.printf(Locale.ROOT, "convolutions of one step at batch %d: %.1f ms in fp32, %.1f in bf16%n", batch,
                fp32, bf16);
        System.err.printf("  %9s %9s %8s %5s %8s  %s%n", "fp32 ms", "bf16 ms", "fp32/bf16", "calls", "GFLOP", "call");
        for (ConvolutionProfile.Row row : rows) {
            ObjectNode r = list.addObject();
            r.put("call", row.call().toString());
            r.put("calls_per_step", row.calls());
            r.put("gflop_per_call", round(row.gflop()));
            r.put("fp32_ms_per_call", round(row.fp32Ms()));
            r.put("bf16_ms_per_call", round(row.bf16Ms()));
            r.put("fp32_over_bf16_median", round(row.speedup()));
            System.err.printf(Locale.ROOT, "  %9.2f %9.2f %8.2f %5d %8.3f  %s%n", row.fp32MsPerStep(),
                    row.bf16MsPerStep(), row.speedup(), row.calls(), row.gflop(), row.call());
        }
    }

    /** fp32 and bf16 stepped side by side: bf16's distance from fp32 and its speed, on the same frames. */
    private void accuracy(ObjectNode out, Network network) {
        PrecisionComparison.Result r = PrecisionComparison.run(network, accuracySessions, accuracyFrames, 144, 256, 42);
        ObjectNode node = out.putObject("precision_comparison");
        node.put("frames", r.frames());
        node.put("sessions", r.sessions());
        node.put("units", r.units());
        node.put("correlation_median", r.medianCorrelation());
        node.put("correlation_p01", r.firstPercentileCorrelation());
        node.put("correlation_worst", r.worstCorrelation());
        node.put("relative_error_max", r.maxRelative());
        node.put("relative_error_median", r.medianRelative());
        ArrayNode drift = node.putArray("relative_error_mean_per_tenth");
        for (double d : r.driftBlocks()) {
            drift.add(d);
        }
        node.put("fp32_ms_per_step_median", round(r.fp32Ms()));
        node.put("bf16_ms_per_step_median", round(r.bf16Ms()));
        node.put("fp32_over_bf16_median", round(r.speedup()));
        System.err.printf(Locale.ROOT, "bf16 against fp32 over %d frames, %d units: correlation median %.6f, 1st"
                + " percentile %.6f, worst %.6f; relative error median %.2g, max %.2g; mean relative error first tenth"
                + " %.2g, last tenth %.2g; step %.1f ms fp32, %.1f ms bf16 (median ratio %.2f)%n", r.frames(),
                r.units(), r.medianCorrelation(), r.firstPercentileCorrelation(), r.worstCorrelation(),
                r.medianRelative(), r.maxRelative(), r.driftBlocks()[0], r.driftBlocks()[9], r.fp32Ms(), r.bf16Ms(),
                r.speedup());
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
