package io.twinloop.inference.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Adam against the update written out in doubles, element by element. */
class AdamTest {

    private static final float[][] GRADIENTS = {{0.5f, -1.0f, 4.0f, 0.0f}, {-0.2f, 0.1f, 0.3f, 0.05f},
            {0.1f, -0.1f, 2.0f, -0.2f}};
    private static final double[] LR = {0.01, 0.02, 0.005};

    @Test
    void matchesTheUpdateWrittenOutInDoubles() {
        Adam.Settings settings = new Adam.Settings(0.1, 0.9, 0.999, 1e-8);
        float[] start = {1.0f, -2.0f, 0.5f, 0.1f};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray decayed = manager.create(start, new Shape(2, 2));
            NDArray kept = manager.create(start, new Shape(2, 2));
            decayed.setRequiresGradient(true);
            kept.setRequiresGradient(true);
            float gradientScale = 2f;
            List<TrainableParameter> parameters = List.of(
                    new TrainableParameter("decayed", decayed, gradientScale, true, null),
                    new TrainableParameter("kept", kept, gradientScale, false, null));
            Adam adam = settings.create(manager);
            double[] p = toDoubles(start);
            double[] q = toDoubles(start);
            double[] m = new double[4];
            double[] v = new double[4];
            for (int t = 1; t <= GRADIENTS.length; t++) {
                float[] g = GRADIENTS[t - 1];
                setGradients(manager, g, decayed, kept);
                Optimiser.StepReport report = adam.step(parameters, LR[t - 1]);
                double lr = LR[t - 1];
                for (int i = 0; i < 4; i++) {
                    double scaled = gradientScale * g[i];
                    m[i] = 0.9 * m[i] + 0.1 * scaled;
                    v[i] = 0.999 * v[i] + 0.001 * scaled * scaled;
                    double step = (m[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(v[i] / (1 - Math.pow(0.999, t))) + 1e-8);
                    p[i] = p[i] - lr * 0.1 * p[i] - lr * step;
                    q[i] = q[i] - lr * step;
                }
                assertEquals(2, report.parametersMoved());
                assertArrayEquals(toFloats(p), decayed.toFloatArray(), 1e-6f, "decayed after step " + t);
                assertArrayEquals(toFloats(q), kept.toFloatArray(), 1e-6f, "not decayed after step " + t);
                assertArrayEquals(new float[4], decayed.getGradient().toFloatArray(), "gradient cleared");
            }
            assertEquals(3f, adam.state().get("decayed" + Adam.STEPS).getFloat());
        }
    }

    @Test
    void countsStepsPerParameterSoALateParameterStartsWithAFullStep() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray early = manager.create(new float[] {1f, 2f});
            NDArray late = manager.create(new float[] {3f, -4f});
            early.setRequiresGradient(true);
            late.setRequiresGradient(true);
            List<TrainableParameter> parameters = List.of(TrainableParameter.of("early", early),
                    TrainableParameter.of("late", late));
            Adam adam = Adam.Settings.defaults().create(manager);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(early.square().sum());
            }
            assertEquals(1, adam.step(parameters, 0.1).parametersMoved());
            assertArrayEquals(new float[] {3f, -4f}, late.toFloatArray(), "no gradient, no move");
            assertTrue(!adam.state().containsKey("late" + Adam.FIRST));

            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(early.square().sum().add(late.square().sum()));
            }
            adam.step(parameters, 0.1);
            // the late parameter's first step: the bias-corrected moments make it lr * sign(g) exactly
            assertArrayEquals(new float[] {2.9f, -3.9f}, late.toFloatArray(), 1e-6f);
            assertEquals(1f, adam.state().get("late" + Adam.STEPS).getFloat());
            assertEquals(2f, adam.state().get("early" + Adam.STEPS).getFloat());
        }
    }

    @Test
    void refusesTheOtherOptimisersStateEachWay() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Adam adam = Adam.Settings.defaults().create(manager);
            IllegalArgumentException sgdState = assertThrows(IllegalArgumentException.class,
                    () -> adam.restore(Map.of("core.weight", manager.zeros(new Shape(2)))));
            assertTrue(sgdState.getMessage().contains("trained with SGD"), sgdState.getMessage());
            NesterovSgd sgd = new NesterovSgd(new NesterovSgd.Settings(0, 0.9, true, 1, 1e-3), manager);
            IllegalArgumentException adamState = assertThrows(IllegalArgumentException.class,
                    () -> sgd.restore(Map.of("core.weight" + Adam.FIRST, manager.zeros(new Shape(2)))));
            assertTrue(adamState.getMessage().contains("trained with Adam"), adamState.getMessage());
        }
    }

    /** Makes {@code gradient} the gradient of every one of {@code parameters}: the loss sum(p * g). */
    private static void setGradients(NDManager manager, float[] gradient, NDArray... parameters) {
        try (NDManager sub = manager.newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (NDArray p : parameters) {
                NDArray term = p.mul(sub.create(gradient, p.getShape())).sum();
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
