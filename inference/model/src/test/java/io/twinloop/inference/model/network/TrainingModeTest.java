package io.twinloop.inference.model.network;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.perspective.Periphery;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training mode draws every unit's readout position once per sequence and session; inference reads at the mean. */
class TrainingModeTest {

    private static final int UNITS = 6;

    @Test
    void positionsAreDrawnOncePerSequenceAndSession() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Network network = Network.initialise(NetworkConfig.tiny(UNITS), StateDict.initialise(manager));
            NDArray stimulus = manager.randomUniform(0, 1, new Shape(2, 1, 36, 64));
            NDArray behaviour = manager.zeros(new Shape(2, 2));

            NetworkState training = NetworkState.fresh();
            network.logRate(stimulus, behaviour, behaviour, 0, Periphery.DARK, training, true);
            NDArray drawn = training.get(Network.SAMPLED_POSITIONS);
            assertEquals(new Shape(2, UNITS, 2), drawn.getShape());
            network.logRate(stimulus, behaviour, behaviour, 0, Periphery.DARK, training, true);
            assertSame(drawn, training.get(Network.SAMPLED_POSITIONS), "kept for the rest of the sequence");
            float[] positions = drawn.toFloatArray();
            float[] first = java.util.Arrays.copyOfRange(positions, 0, UNITS * 2);
            float[] second = java.util.Arrays.copyOfRange(positions, UNITS * 2, UNITS * 4);
            assertFalse(java.util.Arrays.equals(first, second), "each session draws its own positions");
            // fnn's sigma starts at 0.4: the draws scatter around the mean 0
            double spread = 0;
            for (float p : positions) {
                spread += p * p;
            }
            spread = Math.sqrt(spread / positions.length);
            assertTrue(spread > 0.2 && spread < 0.7, "spread " + spread);

            NetworkState inference = NetworkState.fresh();
            NDArray atMean = network.logRate(stimulus, behaviour, behaviour, 0, Periphery.DARK, inference, false);
            assertNull(inference.get(Network.SAMPLED_POSITIONS));
            NDArray rates = network.forward(stimulus, behaviour, behaviour, 0, Periphery.DARK, NetworkState.fresh());
            assertArrayEquals(rates.toFloatArray(), atMean.squeeze(2).exp().toFloatArray(), 1e-6f);
        }
    }
}
