package io.twinloop.inference.model.numerics;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The convolution op alone (the guarded {@link Convolution2d#apply}, float32) against float64, forward and backward:
 * over the shape classes where oneDNN's kernels were seen to be wrong (docs/numerics.md), and over every convolution
 * the tiny, small and published networks run, at the batch sizes they are served and trained with. The build runs
 * this class under the default ISA and again under {@code ONEDNN_MAX_CPU_ISA=AVX2} and {@code AVX512_CORE}, so that
 * each family of kernels is checked on whatever CPU runs it.
 */
class ConvolutionKernelTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(11);
        System.out.println(ComputeEnvironment.current().describe()); // which kernels these results are about
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** batch, in channels, out channels, height, width, kernel, stride, groups: the classes probed by hand */
    private static final int[][] CLASSES = {
        {2, 16, 8, 16, 24, 3, 1, 1}, {2, 17, 8, 16, 24, 3, 1, 1}, {2, 20, 8, 16, 24, 3, 1, 1},
        {2, 24, 8, 16, 24, 3, 1, 1}, {4, 24, 8, 16, 24, 3, 1, 1}, {1, 24, 8, 16, 24, 5, 1, 1},
        {2, 12, 4, 16, 24, 3, 1, 1}, {2, 40, 8, 16, 24, 3, 1, 1}, {2, 56, 8, 16, 24, 3, 2, 1},
        {1, 56, 8, 16, 24, 3, 1, 1}, {2, 24, 8, 16, 24, 1, 1, 1}, {2, 24, 8, 8, 12, 5, 1, 1},
        {2, 48, 16, 8, 12, 3, 1, 2}, {2, 96, 32, 16, 24, 3, 1, 4}, {2, 1, 8, 36, 52, 6, 2, 1},
        {3, 32, 24, 16, 24, 3, 1, 1}, {2, 8, 17, 16, 24, 3, 1, 1},
    };

    @Test
    void theProbedShapeClassesAreRightForwardAndBackward() {
        List<String> failures = new ArrayList<>();
        for (int[] c : CLASSES) {
            Convolution2d.Call call = new Convolution2d.Call(new Shape(1, c[1], c[3], c[4]),
                    new Shape(c[2], c[1] / c[7], c[5], c[5]), true, c[6], c[5] / 2, c[7]);
            collectFailures(ConvolutionCheck.check(call, c[0], true, manager), failures);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyConvolutionOfTheTinyAndSmallNetworksIsRightAsServedAndTrained() {
        List<String> failures = new ArrayList<>();
        for (NetworkConfig config : List.of(NetworkConfig.tiny(8), NetworkConfig.small(8))) {
            for (Convolution2d.Call call : calls(config, true)) {
                for (int batch : new int[] {1, 2, 5, 16}) {
                    collectFailures(ConvolutionCheck.check(call, batch, true, manager), failures);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyConvolutionOfThePublishedNetworkIsRightAsServed() {
        List<String> failures = new ArrayList<>();
        for (Convolution2d.Call call : calls(NetworkConfig.published(8), false)) {
            for (int batch : new int[] {1, 4}) {
                collectFailures(ConvolutionCheck.check(call, batch, false, manager), failures);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static Set<Convolution2d.Call> calls(NetworkConfig config, boolean training) {
        try (NDManager m = manager.newSubManager()) {
            Network network = Network.initialise(config, StateDict.initialise(m));
            Set<Convolution2d.Call> calls = new LinkedHashSet<>(NumericsSelfCheck.convolutions(network, 36, 64,
                    training));
            assertTrue(calls.size() > 10, config + ": " + calls);
            return calls;
        }
    }

    private static void collectFailures(List<ConvolutionCheck.Result> results, List<String> failures) {
        for (ConvolutionCheck.Result r : results) {
            if (!r.passed()) {
                failures.add(r.describe());
            }
        }
    }
}
