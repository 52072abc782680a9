package io.twinloop.inference.session;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.perspective.Periphery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small configuration through the stepper: outputs, reset, single stream, and no leaked memory. */
class BatchedSessionStepperTest {

    private static final int UNITS = 7;
    private static final int HEIGHT = 36;
    private static final int WIDTH = 64;

    private NDManager manager;
    private Network network;
    private final Random random = new Random(3);

    /**
     * fnn's initial readout is all zeros (every rate 1): perturb the learned weights (not the geometry
     * or the pixel transforms, whose ranges matter) to see real outputs. Seeded: the same every run.
     */
    @BeforeEach
    void build() {
        manager = NDManager.newBaseManager();
        StateDict initial = StateDict.initialise(manager);
        Network.initialise(NetworkConfig.small(UNITS), initial);
        Map<String, NDArray> perturbed = new LinkedHashMap<>();
        Random seeded = new Random(11);
        initial.tensors().forEach((key, value) -> {
            boolean learnedWeight = key.matches(".*\\.(weights|biases|gains)\\.\\d+|readout\\.position\\.mu");
            perturbed.put(key, learnedWeight ? value.add(noise(seeded, value.getShape())) : value);
        });
        network = Network.load(NetworkConfig.small(UNITS), StateDict.of(manager, perturbed));
    }

    private NDArray noise(Random seeded, Shape shape) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int k = 0; k < values.length; k++) {
            values[k] = (float) (0.1 * seeded.nextGaussian());
        }
        return manager.create(values, shape);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private SessionStepper.FrameInput frame(String id) {
        float[] pixels = new float[HEIGHT * WIDTH];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = random.nextFloat();
        }
        return new SessionStepper.FrameInput(id, pixels, HEIGHT, WIDTH,
                new float[] {(float) random.nextGaussian(), (float) random.nextGaussian()},
                new float[] {(float) random.nextGaussian(), (float) random.nextGaussian()});
    }

    @Test
    void stepsFreesStateOnCloseAndLeaksNothing() {
        int before = network.manager().getManagedArrays().size();
        BatchedSessionStepper stepper = new BatchedSessionStepper(network);
        stepper.open("A");
        stepper.open("B");
        float[] previous = null;
        for (int t = 0; t < 3; t++) {
            List<float[]> out = stepper.step(List.of(frame("A"), frame("B")));
            assertEquals(2, out.size());
            for (float[] rates : out) {
                assertEquals(UNITS, rates.length);
                for (float r : rates) {
                    assertTrue(r > 0 && Float.isFinite(r), "rate " + r);
                }
            }
            assertFalse(java.util.Arrays.equals(out.get(0), out.get(1)), "sessions differ");
            if (previous != null) {
                assertFalse(java.util.Arrays.equals(previous, out.get(0)), "frames differ");
            }
            previous = out.get(0);
        }
        long perSession = stepper.stateBytes("A");
        assertTrue(perSession > 0);
        assertEquals(perSession, stepper.stateBytes("B"));
        int held = network.manager().getManagedArrays().size();
        System.out.printf("small network: %d bytes of state per session, %d arrays held over %d%n",
                perSession, held - before, before);

        stepper.close("A");
        assertFalse(stepper.isOpen("A"));
        assertThrows(IllegalStateException.class, () -> stepper.step(List.of(frame("A"))));
        assertTrue(network.manager().getManagedArrays().size() < held, "A's state released");

        stepper.close();
        assertEquals(before, network.manager().getManagedArrays().size(), "every step and state released");
    }

    /** Batches of the same sessions in another order, or with a session stepped apart, are their own again. */
    @Test
    void reorderedBatchesGiveEverySessionItsOwnOutput() {
        try (BatchedSessionStepper together = new BatchedSessionStepper(network);
             BatchedSessionStepper apart = new BatchedSessionStepper(network)) {
            for (String id : List.of("A", "B", "C")) {
                together.open(id);
                apart.open(id);
            }
            List<List<String>> orders = List.of(List.of("A", "B", "C"), List.of("A", "B", "C"), List.of("B", "A", "C"),
                    List.of("B", "A", "C"), List.of("C", "A"), List.of("B", "A", "C"), List.of("B", "A", "C"));
            double worst = 0;
            for (List<String> order : orders) {
                List<SessionStepper.FrameInput> frames = new ArrayList<>();
                for (String id : order) {
                    frames.add(frame(id));
                }
                List<float[]> out = together.step(frames);
                for (int i = 0; i < frames.size(); i++) {
                    float[] alone = apart.step(List.of(frames.get(i))).get(0);
                    for (int u = 0; u < UNITS; u++) {
                        worst = Math.max(worst, Math.abs(out.get(i)[u] - alone[u]));
                    }
                }
            }
            assertTrue(worst < 2e-5, "max abs error " + worst);
        }
    }

    @Test
    void resetStartsTheSessionAfresh() {
        try (BatchedSessionStepper stepper = new BatchedSessionStepper(network)) {
            stepper.open("A");
            SessionStepper.FrameInput first = frame("A");
            float[] fresh = stepper.step(List.of(first)).get(0);
            float[] warm = stepper.step(List.of(first)).get(0);
            assertFalse(java.util.Arrays.equals(fresh, warm), "the state matters");
            stepper.reset("A");
            assertEquals(0, stepper.stateBytes("A"));
            assertArrayEquals(fresh, stepper.step(List.of(first)).get(0), 1e-6f);
            stepper.open("A");
            assertArrayEquals(fresh, stepper.step(List.of(first)).get(0), 1e-6f);
        }
    }

    @Test
    void oneStreamAndTheExtendedPeripheryAreWhatTheNetworkComputes() {
        SessionStepper.FrameInput input = frame("A");
        float[] expected;
        try (NDManager scope = manager.newSubManager()) {
            NDArray stimulus = scope.create(input.pixels(), new Shape(1, 1, HEIGHT, WIDTH));
            expected = network.forward(stimulus, scope.create(input.perspective(), new Shape(1, 2)),
                    scope.create(input.modulation(), new Shape(1, 2)), 2, Periphery.EXTEND, NetworkState.fresh())
                    .toFloatArray();
        }
        float[] got;
        float[] allStreams;
        try (BatchedSessionStepper stream2 = new BatchedSessionStepper(network, 2, Periphery.EXTEND);
             BatchedSessionStepper all = new BatchedSessionStepper(network)) {
            stream2.open("A");
            all.open("A");
            got = stream2.step(List.of(input)).get(0);
            allStreams = all.step(List.of(input)).get(0);
        }
        assertArrayEquals(expected, got, 1e-6f);
        assertFalse(java.util.Arrays.equals(allStreams, got));
    }

    @Test
    void badInputIsRejectedBeforeAnyStateChanges() {
        try (BatchedSessionStepper stepper = new BatchedSessionStepper(network)) {
            stepper.open("A");
            SessionStepper.FrameInput good = frame("A");
            assertThrows(IllegalArgumentException.class, () -> stepper.step(List.of(good, frame("A"))));
            SessionStepper.FrameInput shortFrame = new SessionStepper.FrameInput("A", new float[10], HEIGHT, WIDTH,
                    good.perspective(), good.modulation());
            assertThrows(IllegalArgumentException.class, () -> stepper.step(List.of(shortFrame)));
            assertEquals(0, stepper.stateBytes("A"));
            assertTrue(stepper.step(List.of()).isEmpty());
        }
    }
}
