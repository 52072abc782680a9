package io.twinloop.inference.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The gradient of an operation with a constant must not depend on what the Java garbage collector did between
 * the forward and the backward pass (DJL's own {@code mul(Number)} gives random gradients then: see
 * {@link Scalars}).
 */
class ScalarsTest {

    @Test
    void gradientsThroughConstantsSurviveGarbageCollection() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int round = 0; round < 20; round++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = scope.create(new float[] {0.5f, 2f, 3f});
                    x.setRequiresGradient(true);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray y = Scalars.maximum(Scalars.div(Scalars.pow(Scalars.mul(x, 3), 2), 4), 1).sum();
                        churnDirectMemory();
                        collector.backward(y);
                    }
                    // d/dx max((3x)^2 / 4, 1) = 4.5 x where (3x)^2 / 4 > 1, else 0
                    assertArrayEquals(new float[] {0f, 9f, 13.5f}, x.getGradient().toFloatArray(), 1e-5f,
                            "round " + round);
                }
            }
        }
    }

    /** Frees the direct buffers DJL dropped and lets new ones take their memory. */
    private static void churnDirectMemory() {
        System.gc();
        for (int i = 0; i < 200; i++) {
            java.nio.ByteBuffer.allocateDirect(64).putFloat(0, Float.NaN);
        }
    }
}
