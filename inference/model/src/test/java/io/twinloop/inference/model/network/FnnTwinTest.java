package io.twinloop.inference.model.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.Twin;
import io.twinloop.inference.model.perspective.Periphery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** fnn's network as a Twin: the explicit initial state against the lazily created one, and the state's bytes. */
class FnnTwinTest {

    private static final int UNITS = 5;
    private static final int SESSIONS = 3;
    private static final int HEIGHT = 36;
    private static final int WIDTH = 64;
    private static final int FRAMES = 4;

    private NDManager manager;
    private Network network;

    /** The small configuration with perturbed learned weights (fnn's initial readout gives every unit rate 1). */
    @BeforeEach
    void build() {
        manager = NDManager.newBaseManager();
        StateDict initial = StateDict.initialise(manager);
        Network.initialise(NetworkConfig.small(UNITS), initial);
        Map<String, NDArray> perturbed = new LinkedHashMap<>();
        Random seeded = new Random(5);
        initial.tensors().forEach((key, value) -> {
            boolean learnedWeight = key.matches(".*\\.(weights|biases|gains)\\.\\d+|readout\\.position\\.mu");
            if (learnedWeight) {
                float[] noise = new float[Math.toIntExact(value.getShape().size())];
                for (int k = 0; k < noise.length; k++) {
                    noise[k] = (float) (0.1 * seeded.nextGaussian());
                }
                perturbed.put(key, value.add(manager.create(noise, value.getShape())));
            } else {
                perturbed.put(key, value);
            }
        });
        network = Network.load(NetworkConfig.small(UNITS), StateDict.of(manager, perturbed));
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Seeded inputs for every frame: [T] of {frames [N, 1, H, W], perspective [N, P], modulation [N, M]}. */
    private List<NDArray[]> inputs(NDManager m) {
        Random random = new Random(17);
        NDArray[][] out = new NDArray[FRAMES][];
        for (int t = 0; t < FRAMES; t++) {
            out[t] = new NDArray[] {
                    m.create(uniform(random, SESSIONS * HEIGHT * WIDTH), new Shape(SESSIONS, 1, HEIGHT, WIDTH)),
                    m.create(gaussian(random, SESSIONS * 2), new Shape(SESSIONS, 2)),
                    m.create(gaussian(random, SESSIONS * 2), new Shape(SESSIONS, 2))};
        }
        return List.of(out);
    }

    private static float[] uniform(Random random, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = random.nextFloat();
        }
        return v;
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) random.nextGaussian();
        }
        return v;
    }

    /** @return the rates of every frame, [T][N * U], stepping from {@code start} */
    private static float[][] run(Twin twin, NetworkState start, List<NDArray[]> inputs) {
        float[][] rates = new float[inputs.size()][];
        NetworkState state = start;
        for (int t = 0; t < inputs.size(); t++) {
            NDArray[] in = inputs.get(t);
            Twin.Step step = twin.step(in[0], in[1], in[2], state);
            rates[t] = step.rates().toFloatArray();
            state = step.state();
        }
        return rates;
    }

    @Test
    void theExplicitInitialStateGivesExactlyTheOutputsOfTheLazyOne() {
        for (Integer stream : new Integer[] {null, 1}) {
            FnnTwin twin = new FnnTwin(network, stream, Periphery.DARK);
            try (NoGrad noGrad = new NoGrad(); NDManager m = manager.newSubManager()) {
                List<NDArray[]> inputs = inputs(m);
                NetworkState initial = twin.initialState(SESSIONS, m);
                assertFalse(initial.isFresh());
                for (Map.Entry<String, NDArray> e : initial.tensors().entrySet()) {
                    assertEquals(SESSIONS, e.getValue().getShape().get(0), e.getKey() + " is session first");
                    assertEquals(0f, e.getValue().abs().max().getFloat(), e.getKey() + " starts at zero");
                }
                float[][] lazy = run(twin, NetworkState.fresh(), inputs);
                float[][] explicit = run(twin, initial, inputs);
                for (int t = 0; t < FRAMES; t++) {
                    assertArrayEquals(lazy[t], explicit[t], "stream " + stream + ", frame " + t);
                }
                // the recurrence matters: the same frame twice gives other rates the second time
                float[][] twice = run(twin, initial, List.of(inputs.get(0), inputs.get(0)));
                assertFalse(Arrays.equals(twice[0], twice[1]));
                // the initial state was left as it was by the steps from it
                initial.tensors().values().forEach(v -> assertEquals(0f, v.abs().max().getFloat()));
            }
        }
    }

    private static NetworkState run1(Twin twin, NetworkState state, NDArray[] in) {
        return twin.step(in[0], in[1], in[2], state).state();
    }

    @Test
    void aStateWrittenToBytesAndReadBackContinuesExactlyLikeTheOriginal() {
        FnnTwin twin = new FnnTwin(network);
        try (NoGrad noGrad = new NoGrad(); NDManager m = manager.newSubManager()) {
            List<NDArray[]> inputs = inputs(m);
            NetworkState afterTwo = twin.initialState(SESSIONS, m);
            for (int t = 0; t < 2; t++) {
                afterTwo = run1(twin, afterTwo, inputs.get(t));
            }
            byte[] bytes = afterTwo.toBytes();
            NetworkState read = NetworkState.fromBytes(bytes, m);
            assertEquals(afterTwo.tensors().keySet(), read.tensors().keySet());
            for (String key : afterTwo.tensors().keySet()) {
                NDArray a = afterTwo.get(key);
                NDArray b = read.get(key);
                assertEquals(a.getShape(), b.getShape(), key);
                assertEquals(a.getDataType(), b.getDataType(), key);
                assertArrayEquals(a.toFloatArray(), b.toFloatArray(), key);
            }
            assertArrayEquals(afterTwo.toBytes(), read.toBytes());
            List<NDArray[]> rest = inputs.subList(2, FRAMES);
            float[][] original = run(twin, afterTwo, rest);
            float[][] restored = run(twin, read, rest);
            for (int t = 0; t < rest.size(); t++) {
                assertArrayEquals(original[t], restored[t], "frame " + (t + 2));
            }

            // split by session, each session's bytes, concatenated again: the same state
            List<NetworkState> sessions = afterTwo.splitSessions();
            assertEquals(SESSIONS, sessions.size());
            List<NetworkState> reread = sessions.stream().map(s -> NetworkState.fromBytes(s.toBytes(), m)).toList();
            NetworkState joined = NetworkState.concat(reread);
            assertArrayEquals(bytes, joined.toBytes());
        }
    }

    @Test
    void badStateBytesAreRefusedWithAReason() {
        try (NDManager m = manager.newSubManager()) {
            NetworkState state = NetworkState.fresh();
            state.put("a.h", m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)));
            state.put("b.count", m.create(new long[] {7, -8}, new Shape(2)));
            byte[] bytes = state.toBytes();
            NetworkState read = NetworkState.fromBytes(bytes, m);
            assertArrayEquals(new long[] {7, -8}, read.get("b.count").toLongArray());

            byte[] otherVersion = bytes.clone();
            otherVersion[4] = 2;
            assertEquals("state format version 2; this build reads 1",
                    assertThrows(IllegalArgumentException.class, () -> NetworkState.fromBytes(otherVersion, m))
                            .getMessage());
            byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);
            assertThrows(IllegalArgumentException.class, () -> NetworkState.fromBytes(cut, m));
            byte[] noMagic = bytes.clone();
            noMagic[0] = 'X';
            assertThrows(IllegalArgumentException.class, () -> NetworkState.fromBytes(noMagic, m));
            for (int len = 0; len < 40; len++) {
                byte[] header = Arrays.copyOf(bytes, len);
                assertThrows(IllegalArgumentException.class, () -> NetworkState.fromBytes(header, m));
            }
        }
    }
}
