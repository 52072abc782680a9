package io.twinloop.inference.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expected values come from fnn's own {@code SgdClip.step} on the same parameters and gradients
 * ({@code src/test/python/sgd_clip_reference.py}).
 */
class NesterovSgdTest {

    private static final float[][] GRAD_W = {
            {0.5f, 0.5f, -1.0f, 4.0f, -3.0f, 2.0f},
            {-0.2f, 0.1f, 0.3f, 0.05f, 0.0f, -0.1f},
            {0.1f, -0.1f, 0.1f, -0.2f, 0.3f, 0.0f}};
    private static final float[][] GRAD_B = {{0.01f, -0.02f}, {0.5f, 0.25f}, {-0.1f, 0.0f}};
    private static final double[] LR = {0.1, 0.05, 0.2};
    private static final float[][] FNN_W = {
            {0.9061356f, -2.0788643f, 0.6752287f, 0.0730973f, 0.218802f, -0.3117014f},
            {0.9039282f, -2.1021094f, 0.6829249f, 0.0625366f, 0.222476f, -0.3042361f},
            {0.8210972f, -2.12748f, 0.7258791f, 0.0738165f, 0.1750478f, -0.295124f}};
    private static final float[][] FNN_B = {
            {-0.0012017f, 0.0024033f}, {-0.0026595f, 0.0023148f}, {-0.0002567f, 0.0031344f}};

    @Test
    void matchesFnnSgdClipStepByStep() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {1.0f, -2.0f, 0.5f, 0.1f, 0.2f, -0.3f}, new Shape(2, 3));
            NDArray b = manager.zeros(new Shape(2));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            List<TrainableParameter> parameters = List.of(
                    new TrainableParameter("w", w, 1f, true, new int[] {1}),
                    new TrainableParameter("b", b, 3f, false, null));
            NesterovSgd sgd = new NesterovSgd(new NesterovSgd.Settings(0.05, 0.9, true, 0.5, 0.01), manager);
            for (int step = 0; step < 3; step++) {
                setGradients(manager, w, b, GRAD_W[step], GRAD_B[step]);
                NesterovSgd.StepReport report = sgd.step(parameters, LR[step]);
                assertEquals(2, report.parametersMoved());
                assertArrayEquals(FNN_W[step], w.toFloatArray(), 2e-6f, "w after step " + step);
                assertArrayEquals(FNN_B[step], b.toFloatArray(), 2e-6f, "b after step " + step);
                assertArrayEquals(new float[6], w.getGradient().toFloatArray(), "gradient cleared");
            }
        }
    }

    @Test
    void parameterWithoutGradientIsLeftAlone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray used = manager.create(new float[] {1f, 2f});
            NDArray unused = manager.create(new float[] {3f, 4f});
            used.setRequiresGradient(true);
            unused.setRequiresGradient(true);
            List<TrainableParameter> parameters = List.of(TrainableParameter.of("used", used),
                    TrainableParameter.of("unused", unused));
            NesterovSgd sgd = new NesterovSgd(new NesterovSgd.Settings(0.1, 0.9, true, Double.POSITIVE_INFINITY, 1e-3),
                    manager);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(used.square().sum());
            }
            NesterovSgd.StepReport report = sgd.step(parameters, 0.1);

            assertEquals(1, report.parametersMoved());
            assertEquals(Math.sqrt(2 * 2 + 4 * 4), report.gradientNorm(), 1e-6);
            assertArrayEquals(new float[] {3f, 4f}, unused.toFloatArray(), "no decay, no momentum without a gradient");
            assertTrue(sgd.state().containsKey("used") && !sgd.state().containsKey("unused"));
            // g = 2p = (2, 4); m = g; nesterov g + 0.9 m = 1.9 g; + decay 0.1 p; p -= 0.1 * that
            assertArrayEquals(new float[] {1f - 0.1f * (3.8f + 0.1f), 2f - 0.1f * (7.6f + 0.2f)}, used.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void nonFiniteGradientFailsNamingTheParameterBeforeAnythingMoves() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray fine = manager.create(new float[] {1f, 2f});
            NDArray broken = manager.create(new float[] {0f, 1f});
            backwardWithOneInfiniteGradient(fine, broken);
            NesterovSgd sgd = new NesterovSgd(new NesterovSgd.Settings(0, 0.9, true, 1, 1e-3), manager);
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> sgd.step(List.of(TrainableParameter.of("fine", fine), TrainableParameter.of("broken", broken)), 0.1));
            assertTrue(e.getMessage().contains("broken"), e.getMessage());
            assertArrayEquals(new float[] {1f, 2f}, fine.toFloatArray());
        }
    }

    @Test
    void droppingNonFiniteGradientsStepsTheOthersAndClearsTheBrokenOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray fine = manager.create(new float[] {1f, 2f});
            NDArray broken = manager.create(new float[] {0f, 1f});
            backwardWithOneInfiniteGradient(fine, broken);
            NesterovSgd sgd = new NesterovSgd(new NesterovSgd.Settings(0, 0.9, true, 1, 1e-3), manager);
            NesterovSgd.StepReport report = sgd.step(
                    List.of(TrainableParameter.of("fine", fine), TrainableParameter.of("broken", broken)), 0.1, true);
            assertEquals(List.of("broken"), report.droppedGradients());
            assertEquals(1, report.parametersMoved());
            assertArrayEquals(new float[] {0f, 1f}, broken.toFloatArray());
            assertArrayEquals(new float[] {0f, 0f}, broken.getGradient().toFloatArray(), "cleared, NaN and all");
            assertTrue(fine.toFloatArray()[0] < 1f, "the finite parameter stepped");
        }
    }

    /** Gives {@code fine} the finite gradient 2x and {@code broken} an infinite one (d sqrt(x) / dx at x = 0). */
    private static void backwardWithOneInfiniteGradient(NDArray fine, NDArray broken) {
        fine.setRequiresGradient(true);
        broken.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(fine.square().sum().add(broken.sqrt().sum()));
        }
    }

    /** Makes the autograd gradient of w and b exactly gw and gb via the loss sum(w * gw) + sum(b * gb). */
    private static void setGradients(NDManager manager, NDArray w, NDArray b, float[] gw, float[] gb) {
        try (NDManager sub = manager.newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = w.mul(sub.create(gw, w.getShape())).sum().add(b.mul(sub.create(gb, b.getShape())).sum());
            collector.backward(loss);
        }
    }
}
