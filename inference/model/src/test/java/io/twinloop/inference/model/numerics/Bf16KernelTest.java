package io.twinloop.inference.model.numerics;

import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Bf16Kernels;
import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.elements.Precision;
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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bf16 route of {@link Convolution2d} (oneDNN's bf16 kernels through {@link Bf16Kernels}) against float64, on
 * every convolution the tiny, small and published networks run as served, at batches 1 and 4, within
 * {@link ConvolutionCheck#BF16_TOLERANCE}. Skipped on CPUs without bf16 instructions (bf16 is refused there).
 */
class Bf16KernelTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        assumeTrue(Bf16Kernels.supported(), "this CPU has no bf16 instructions");
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(11);
        System.out.println(ComputeEnvironment.current().describe());
    }

    @AfterAll
    static void close() {
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void everyConvolutionOfTheNetworksAsServedIsRightInBf16() {
        List<String> failures = new ArrayList<>();
        for (NetworkConfig config : List.of(NetworkConfig.tiny(8), NetworkConfig.small(8),
                NetworkConfig.published(8))) {
            for (Convolution2d.Call call : calls(config)) {
                for (int batch : new int[] {1, 4}) {
                    List<ConvolutionCheck.Result> results = Convolution2d.withPrecision(Precision.BF16,
                            () -> ConvolutionCheck.check(call, batch, false, manager));
                    for (ConvolutionCheck.Result r : results) {
                        System.out.println((r.passed() ? "ok   " : "FAIL ") + r.describe());
                        if (!r.passed()) {
                            failures.add(r.describe());
                        }
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static Set<Convolution2d.Call> calls(NetworkConfig config) {
        try (NDManager m = manager.newSubManager()) {
            Network network = Network.initialise(config, StateDict.initialise(m));
            return new LinkedHashSet<>(NumericsSelfCheck.convolutions(network, 36, 64, false));
        }
    }
}
