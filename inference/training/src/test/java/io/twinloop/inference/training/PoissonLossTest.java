package io.twinloop.inference.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class PoissonLossTest {

    @Test
    void isExpOfLogRateMinusLogRateTimesTargetAndItsGradientIsRateMinusTarget() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logRate = manager.create(new float[] {0f, 1f, -2f, 0.5f}, new Shape(2, 2));
            NDArray target = manager.create(new float[] {0f, 3f, 1f, 2f}, new Shape(2, 2));
            logRate.setRequiresGradient(true);
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                loss = PoissonLoss.perUnit(logRate, target);
                collector.backward(loss.sum());
            }
            float[] r = {0f, 1f, -2f, 0.5f};
            float[] y = {0f, 3f, 1f, 2f};
            float[] expected = new float[4];
            float[] gradient = new float[4];
            for (int i = 0; i < 4; i++) {
                expected[i] = (float) (Math.exp(r[i]) - r[i] * y[i]);
                gradient[i] = (float) Math.exp(r[i]) - y[i];
            }
            assertArrayEquals(expected, loss.toFloatArray(), 1e-6f);
            // the loss is minimal where the rate equals the target
            assertArrayEquals(gradient, logRate.getGradient().toFloatArray(), 1e-6f);
        }
    }
}
