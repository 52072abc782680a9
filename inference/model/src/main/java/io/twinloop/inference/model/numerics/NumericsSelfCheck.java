package io.twinloop.inference.model.numerics;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.perspective.Periphery;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks, on the machine at hand, every convolution a loaded network runs: libtorch's kernels differ per CPU and
 * some are wrong (docs/numerics.md), so a command verifies the kernels it is about to use before it serves or
 * trains.
 *
 * <p>The network's convolutions are listed by stepping it twice from a fresh state at batch 1 (all streams, as
 * served; for training also one stream, in training mode); each shape is then checked by
 * {@link ConvolutionCheck} at batch 1 and at the largest batch the command will use, forward, and backward for
 * training commands.
 */
public final class NumericsSelfCheck {

    /** What was checked; {@link #failures()} empty when every kernel is right. */
    public record Report(List<ConvolutionCheck.Result> results, double seconds) {

        public List<ConvolutionCheck.Result> failures() {
            return results.stream().filter(r -> !r.passed()).toList();
        }

        public boolean passed() {
            return failures().isEmpty();
        }

        /** @return one line: how many checks passed, or the first failure with the op, shape and error */
        public String summary() {
            List<ConvolutionCheck.Result> failures = failures();
            if (failures.isEmpty()) {
                return "numerics self-check: " + results.size() + " convolution checks passed in "
                        + String.format("%.2f", seconds) + " s";
            }
            return "numerics self-check failed: " + failures.get(0).describe() + (failures.size() > 1
                    ? " (and " + (failures.size() - 1) + " more of " + results.size() + " checks)" : "")
                    + "; this CPU's libtorch kernels compute this model wrong";
        }
    }

    private NumericsSelfCheck() {
    }

    /**
     * @param network  the loaded network (its parameters are not changed)
     * @param height   frame height the network is stepped with
     * @param width    frame width
     * @param maxBatch the largest batch the command will step
     * @param backward also check the gradients (training, gradient-based optimisation)
     */
    public static Report run(Network network, int height, int width, int maxBatch, boolean backward) {
        long started = System.nanoTime();
        List<Convolution2d.Call> calls = convolutions(network, height, width, backward);
        List<ConvolutionCheck.Result> results = new ArrayList<>();
        try (NDManager manager = network.manager().newSubManager()) {
            for (Convolution2d.Call call : calls) {
                Set<Integer> batches = new LinkedHashSet<>(List.of(1, Math.max(1, maxBatch)));
                for (int batch : batches) {
                    results.addAll(ConvolutionCheck.check(call, batch, backward, manager));
                }
            }
        }
        return new Report(List.copyOf(results), (System.nanoTime() - started) / 1e9);
    }

    /** @return every distinct convolution (at batch 1) the network runs on frames of this size */
    public static List<Convolution2d.Call> convolutions(Network network, int height, int width, boolean training) {
        Set<Convolution2d.Call> calls = new LinkedHashSet<>();
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager manager = network.manager().newSubManager()) {
            // served: all streams at once; trained: one stream per batch (fnn draws one at random)
            List<Integer> streams = new ArrayList<>();
            streams.add(null);
            if (training) {
                streams.add(0);
            }
            for (Integer stream : streams) {
                for (boolean trainingMode : training ? new boolean[] {false, true} : new boolean[] {false}) {
                    NetworkState state = NetworkState.fresh();
                    Convolution2d.record(call -> calls.add(call.shapeOnly()), () -> {
                        for (int frame = 0; frame < 2; frame++) {
                            network.forward(manager.zeros(new Shape(1, 1, height, width)), manager.zeros(new Shape(1,
                                    network.config().perspectives())), manager.zeros(new Shape(1,
                                    network.config().modulations())), stream, Periphery.DARK, state, trainingMode);
                        }
                    });
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return List.copyOf(calls);
    }
}
