package io.twinloop.ops.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkLoader;
import io.twinloop.inference.model.numerics.ComputeEnvironment;
import io.twinloop.inference.model.numerics.ConvolutionCheck;
import io.twinloop.inference.model.numerics.NumericsSelfCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code twinloop numerics}: the self-check of a configuration in full, one line per convolution and direction, with
 * the guard of {@link Convolution2d} on or off, so that anyone can see which kernels this CPU gets wrong.
 */
@Command(name = "numerics", mixinStandardHelpOptions = true,
        description = "Check every convolution a model configuration runs against float64 on this machine and print"
                + " each result (docs/numerics.md); exit status 1 when one is wrong.")
public final class NumericsCommand implements Callable<Integer> {

    @Option(names = "--model-config", split = ",", defaultValue = "tiny,small,published",
            description = "configurations (default: ${DEFAULT-VALUE})")
    List<String> configs;

    @Option(names = "--batch", defaultValue = "4", description = "the largest batch checked (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--training", description = "also the gradients, and the one-stream path training takes")
    boolean training;

    @Option(names = "--unguarded",
            description = "without the channel padding that keeps oneDNN's faulty kernels away: shows the faults")
    boolean unguarded;

    @Option(names = "--torch-threads", description = "libtorch intra-op threads (default: all cores)")
    Integer torchThreads;

    @Override
    public Integer call() {
        TorchThreads.configure(torchThreads != null ? torchThreads : 0);
        Convolution2d.guard(!unguarded);
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.set("environment", new ObjectMapper().valueToTree(ComputeEnvironment.current().asMap()));
        out.put("guard", !unguarded);
        ArrayNode rows = out.putArray("configurations");
        int wrong = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String name : configs) {
                Network network = Network.initialise(NetworkLoader.config(name, 8), StateDict.initialise(manager));
                NumericsSelfCheck.Report report = NumericsSelfCheck.run(network, 36, 64, batch, training);
                for (ConvolutionCheck.Result r : report.results()) {
                    System.err.println(name + " " + (r.passed() ? "ok   " : "WRONG") + " " + r.describe());
                }
                wrong += report.failures().size();
                rows.addObject().put("model_config", name).put("checks", report.results().size())
                        .put("wrong", report.failures().size()).put("seconds", report.seconds())
                        .put("summary", report.summary());
            }
        } finally {
            Convolution2d.guard(true);
        }
        System.out.println(out);
        return wrong == 0 ? 0 : 1;
    }
}
