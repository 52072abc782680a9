package io.twinloop.ops.cli;

import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import io.twinloop.inference.model.numerics.ComputeEnvironment;
import io.twinloop.inference.model.numerics.NumericsSelfCheck;

/**
 * The numerics self-check every command runs when it loads a model (docs/numerics.md): it names the machine, checks
 * every convolution the model will run against float64 and refuses to go on (exit status 2, one line naming the op,
 * the shape and the error) when this CPU's kernels compute the model wrong, unless told to run anyway.
 */
final class NumericsGate {

    /** the option that runs a command whose self-check failed */
    static final String OVERRIDE = "--skip-numerics-check";
    /** frames of the Sensorium 2023 size; the core's convolutions depend on the model, not on the frame size */
    private static final int HEIGHT = 36;
    private static final int WIDTH = 64;

    private NumericsGate() {
    }

    /**
     * @param command  the command's name, for the messages
     * @param maxBatch the largest batch the command steps
     * @param training whether gradients will be computed (their kernels are checked too)
     * @param override run anyway when the check fails (the numbers may then be wrong: said loudly)
     * @return the report; when it failed (and {@code override}), the caller says so wherever it reports health
     * @throws IllegalArgumentException with the failure's line when the check fails without {@code override}
     */
    static NumericsSelfCheck.Report check(String command, Network network, int maxBatch, boolean training,
                                          boolean override) {
        System.err.println(command + ": " + ComputeEnvironment.current().describe());
        NumericsSelfCheck.Report report = NumericsSelfCheck.run(network, HEIGHT, WIDTH, maxBatch, training);
        if (report.passed()) {
            System.err.println(command + ": " + report.summary());
            return report;
        }
        if (!override) {
            throw new IllegalArgumentException(report.summary() + "; " + OVERRIDE + " runs anyway");
        }
        System.err.println(command + ": WARNING " + report.summary() + "; running anyway (" + OVERRIDE
                + "): predictions and gradients may be wrong");
        return report;
    }

    /** As {@link #check(String, Network, int, boolean, boolean)} for a configuration not yet built (training). */
    static NumericsSelfCheck.Report check(String command, NetworkConfig config, int maxBatch, boolean training,
                                          boolean override) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return check(command, Network.initialise(config, StateDict.initialise(manager)), maxBatch, training,
                    override);
        }
    }
}
