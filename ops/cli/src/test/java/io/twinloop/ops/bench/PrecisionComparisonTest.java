package io.twinloop.ops.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Bf16Kernels;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The small configuration stepped in bf16 stays close to fp32 over a few hundred frames: bf16 rounds each routed
 * convolution's inputs, weights and output to 8 significant bits (relative 2^-9 = 0.2 %). Over the network's ~20
 * layers such roundings add up like a random walk to about 1 % of an activation; a unit's response over time varies
 * by far more than that on this stimulus, so its bf16 trace correlates with its fp32 trace above 0.99 (measured here
 * on AMD Zen 5: median 0.9999, worst 0.997 to 0.998, largest relative error 7e-4, no drift; docs/benchmarks.md). A wrong kernel (e.g. the wrong bf16 kernels of dense 4-channel
 * convolutions) or a state that drifts apart shows up as correlation far below, or as errors growing over time.
 */
class PrecisionComparisonTest {

    @Test
    void bf16RatesFollowFp32RatesOfTheSmallNetwork() {
        assumeTrue(Bf16Kernels.supported(), "this CPU has no bf16 instructions");
        try (NDManager manager = NDManager.newBaseManager()) {
            Network network = withReadout(manager, NetworkConfig.small(32));
            PrecisionComparison.Result r = PrecisionComparison.run(network, 2, 200, 72, 128, 5);
            String summary = "correlation median " + r.medianCorrelation() + ", worst " + r.worstCorrelation()
                    + ", relative error max " + r.maxRelative() + ", drift per tenth "
                    + java.util.Arrays.toString(r.driftBlocks());
            System.out.println(summary);
            assertTrue(r.maxRelative() > 0, "bf16 computed nothing differently: not routed? " + summary);
            assertTrue(r.medianCorrelation() > 0.999, summary);
            assertTrue(r.worstCorrelation() > 0.99, summary);
            // no drift: the last tenth's mean error within 3x the first's (rounding does not accumulate in the state)
            assertTrue(r.driftBlocks()[9] < 3 * r.driftBlocks()[0] + 1e-3, summary);
        }
    }

    /**
     * @return the configuration with fnn's initialisation except the readout's feature weights, which fnn starts at
     *         zero (every unit would be constant): drawn at random here so that units respond to the stimulus
     */
    static Network withReadout(NDManager manager, NetworkConfig config) {
        Engine.getInstance().setRandomSeed(3);
        StateDict initial = StateDict.initialise(manager);
        Network.initialise(config, initial);
        Map<String, NDArray> tensors = new LinkedHashMap<>(initial.tensors());
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if (e.getKey().startsWith("readout.feature.weights.")) {
                long channels = e.getValue().getShape().get(2);
                e.setValue(manager.randomNormal(e.getValue().getShape()).div(Math.sqrt(channels)));
            }
        }
        return Network.initialise(config, StateDict.of(manager, tensors));
    }
}
