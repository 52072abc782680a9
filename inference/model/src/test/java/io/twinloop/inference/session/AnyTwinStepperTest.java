package io.twinloop.inference.session;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.Twin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The stepper with a twin that is not fnn's: a leaky integrator whose state and outputs a few lines of plain
 * Java recompute, so that every session's output shows it was stepped from its own state, whatever the batch.
 */
class AnyTwinStepperTest {

    private static final int SIZE = 4;
    private static final float[] GAIN = {0.5f, -1f, 2f};
    private static final float LEAK = 0.8f;

    /**
     * trace' = LEAK * trace + GAIN * mean(frame) + perspective[0] - modulation[1], rates = exp(trace'), state
     * {@code trace} [N, U] and {@code frames} [N, 1] (frames seen).
     */
    private static final class LeakyTwin implements Twin {
        private final NDManager manager;

        LeakyTwin(NDManager manager) {
            this.manager = manager;
        }

        @Override
        public int units() {
            return GAIN.length;
        }

        @Override
        public int perspectives() {
            return 2;
        }

        @Override
        public int modulations() {
            return 2;
        }

        @Override
        public Optional<FrameSize> frameSize() {
            return Optional.of(new FrameSize(SIZE, SIZE));
        }

        @Override
        public boolean differentiable() {
            return false;
        }

        @Override
        public NDManager manager() {
            return manager;
        }

        @Override
        public NetworkState initialState(int sessions, NDManager m) {
            NetworkState state = NetworkState.fresh();
            state.put("trace", m.zeros(new Shape(sessions, GAIN.length)));
            state.put("frames", m.zeros(new Shape(sessions, 1)));
            return state;
        }

        @Override
        public Step step(NDArray frames, NDArray perspective, NDArray modulation, NetworkState state) {
            NDArray meanPixel = frames.reshape(frames.getShape().get(0), -1).mean(new int[] {1}, true); // [N, 1]
            NDArray drive = meanPixel.mul(frames.getManager().create(GAIN))
                    .add(perspective.get(new NDIndex(":, 0:1"))).sub(modulation.get(new NDIndex(":, 1:2")));
            NDArray trace = state.get("trace").mul(LEAK).add(drive);
            NetworkState next = NetworkState.fresh();
            next.put("trace", trace);
            next.put("frames", state.get("frames").add(1));
            return new Step(trace.exp(), next);
        }
    }

    private NDManager manager;
    private final Random random = new Random(23);

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private SessionStepper.FrameInput frame(String id) {
        float[] pixels = new float[SIZE * SIZE];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = random.nextFloat();
        }
        return new SessionStepper.FrameInput(id, pixels, SIZE, SIZE,
                new float[] {(float) random.nextGaussian(), 0}, new float[] {0, (float) random.nextGaussian()});
    }

    @Test
    void everySessionIsSteppedFromItsOwnStateInWhateverBatchItRuns() {
        List<List<String>> rounds = List.of(List.of("a", "b"), List.of("b", "a", "c"), List.of("c"),
                List.of("a", "b", "c"), List.of("a", "b", "c"), List.of("c", "a"));
        Map<String, float[]> traces = new HashMap<>();
        try (BatchedSessionStepper stepper = new BatchedSessionStepper(new LeakyTwin(manager))) {
            for (String id : List.of("a", "b", "c")) {
                stepper.open(id);
                traces.put(id, new float[GAIN.length]);
            }
            for (List<String> round : rounds) {
                List<SessionStepper.FrameInput> frames = new ArrayList<>();
                round.forEach(id -> frames.add(frame(id)));
                List<float[]> rates = stepper.step(frames);
                for (int i = 0; i < frames.size(); i++) {
                    SessionStepper.FrameInput f = frames.get(i);
                    float mean = 0;
                    for (float p : f.pixels()) {
                        mean += p;
                    }
                    mean /= f.pixels().length;
                    float[] trace = traces.get(f.sessionId());
                    float[] expected = new float[GAIN.length];
                    for (int u = 0; u < GAIN.length; u++) {
                        trace[u] = LEAK * trace[u] + GAIN[u] * mean + f.perspective()[0] - f.modulation()[1];
                        expected[u] = (float) Math.exp(trace[u]);
                    }
                    assertArrayEquals(expected, rates.get(i), 1e-5f * Math.max(1, max(expected)),
                            "session " + f.sessionId() + " in round " + round);
                }
            }
            assertEquals(2 * (GAIN.length + 1) * Float.BYTES, stepper.stateBytes("a") + stepper.stateBytes("c"));
            // a frame of another size is resized to the twin's (bilinear): a uniform 3 x 3 frame stays uniform
            float[] uniform = new float[9];
            java.util.Arrays.fill(uniform, 0.5f);
            float[] before = traces.get("a").clone();
            float[] resized = stepper.step(List.of(new SessionStepper.FrameInput("a", uniform, 3, 3,
                    new float[2], new float[2]))).get(0);
            for (int u = 0; u < GAIN.length; u++) {
                assertEquals((float) Math.exp(LEAK * before[u] + GAIN[u] * 0.5f), resized[u],
                        1e-5f * Math.max(1, Math.abs(resized[u])));
            }
        }
    }

    private static float max(float[] values) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
