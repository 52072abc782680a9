package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.twinloop.inference.checkpoint.TensorData;
import io.twinloop.inference.checkpoint.TorchCheckpoint;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.twinloop.inference.model.ParityResources.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties of the core beyond parity: initialisation, batching of sessions, memory scopes. */
class CoreBehaviourTest {

    private static final int S = 4;
    private static final int P = 1;
    private static final int M = 16;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void initialisedPublishedCoreHasExactlyFnnKeysAndShapes() throws Exception {
        StateDict params = StateDict.initialise(manager);
        new FeedforwardRecurrent(CoreConfig.published(), S, P, M, params, "core");
        Path fixture = Path.of(getClass().getResource("/fnn-parity/params_core.pt").toURI());
        Map<String, String> expected = new TreeMap<>();
        for (TensorData t : TorchCheckpoint.read(fixture).values()) {
            expected.put(t.key(), Arrays.toString(t.shape()));
        }
        Map<String, String> actual = new TreeMap<>();
        params.tensors().forEach((k, v) -> actual.put(k, Arrays.toString(v.getShape().getShape())));
        assertEquals(expected, actual);
    }

    @Test
    void randomSmallCoreGivesBoundedVaryingFeatures() {
        FeedforwardRecurrent core = smallRandomCore();
        NetworkState state = NetworkState.fresh();
        NDArray first = core.forward(perspective(2, 0), modulation(2, 0), null, state);
        NDArray second = core.forward(perspective(2, 1), modulation(2, 1), null, state);
        assertEquals(new Shape(2, S * 32, 8, 12), first.getShape());
        // out is a wnorm 1x1 conv of h in (-1, 1): finite, non-trivial, and the state matters
        assertTrue(first.isNaN().logicalOr(first.isInfinite()).none().getBoolean());
        assertTrue(first.abs().mean().getFloat() > 0.01);
        assertTrue(first.sub(second).abs().max().getFloat() > 1e-3);
    }

    @Test
    void batchOfSessionsEqualsEachSessionAloneAcrossSplitAndConcat() {
        FeedforwardRecurrent core = smallRandomCore();
        NetworkState batch = NetworkState.fresh();
        List<NDArray> batched = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            batched.add(core.forward(perspective(2, t), modulation(2, t), null, batch));
        }
        // each session alone for two frames; then their states joined into a batch for the third
        List<NetworkState> alone = List.of(NetworkState.fresh(), NetworkState.fresh());
        for (int t = 0; t < 2; t++) {
            for (int n = 0; n < 2; n++) {
                NDArray y = core.forward(perspective(2, t).get(n + ":" + (n + 1)),
                        modulation(2, t).get(n + ":" + (n + 1)), null, alone.get(n));
                assertClose(batched.get(t).get(n + ":" + (n + 1)), y, 1e-5, "session " + n + " frame " + t);
            }
        }
        NetworkState joined = NetworkState.concat(alone);
        NDArray y = core.forward(perspective(2, 2), modulation(2, 2), null, joined);
        assertClose(batched.get(2), y, 1e-5, "joined frame 2");
        // and split again: session 1 alone continues as in the batch
        NetworkState one = joined.splitSessions().get(1);
        NDArray next = core.forward(perspective(2, 3).get("1:2"), modulation(2, 3).get("1:2"), null, one);
        NDArray batchNext = core.forward(perspective(2, 3), modulation(2, 3), null, batch);
        assertClose(batchNext.get("1:2"), next, 1e-5, "split frame 3");
    }

    /** Stimulus optimisation needs d(features)/d(perspective), also through the state between frames. */
    @Test
    void gradientsFlowToThePerspectiveOfEarlierFrames() {
        FeedforwardRecurrent core = smallRandomCore();
        NetworkState state = NetworkState.fresh();
        NDArray first = perspective(1, 0);
        first.setRequiresGradient(true);
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            core.forward(first, modulation(1, 0), null, state);
            NDArray second = core.forward(perspective(1, 1), modulation(1, 1), null, state);
            collector.backward(second.sum());
        }
        NDArray gradient = first.getGradient();
        assertEquals(first.getShape(), gradient.getShape());
        assertTrue(gradient.abs().max().getFloat() > 0, "frame 1 depends on frame 0 through the state");
    }

    @Test
    void aStateCannotBeContinuedWithAnotherStreamSelection() {
        FeedforwardRecurrent core = smallRandomCore();
        NetworkState state = NetworkState.fresh();
        core.forward(perspective(1, 0), modulation(1, 0), null, state);
        NDArray oneStream = perspective(1, 1).get(":, 0:" + P);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> core.forward(oneStream, modulation(1, 1).get(":, 0:" + M), 0, state));
        assertTrue(e.getMessage().contains("core.feedforward.blocks.0.convs.0.history"), e.getMessage());
    }

    @Test
    void intermediatesStayInTheFrameScopeNotWithTheState() {
        FeedforwardRecurrent core = smallRandomCore();
        NetworkState state = NetworkState.fresh();
        try (NDManager sessions = manager.newSubManager()) {
            for (int t = 0; t < 3; t++) {
                List<NDArray> old = new ArrayList<>(state.tensors().values());
                try (NDManager frame = manager.newSubManager()) {
                    NDArray p = frame.create(perspective(2, t).toFloatArray(), new Shape(2, S * P, 64, 96));
                    NDArray m = frame.create(modulation(2, t).toFloatArray(), new Shape(2, S * M));
                    core.forward(p, m, null, state);
                    state.attach(sessions);
                }
                old.forEach(NDArray::close);
                assertEquals(state.tensors().size(), sessions.getManagedArrays().size(),
                        "the sessions' manager holds the state and nothing else after frame " + t);
            }
        }
    }

    /**
     * Prints the step time of the small core for 2 sessions, all streams (no assertion: the machine is
     * shared). With one intra-op thread: on a loaded machine libtorch's thread pool costs 10-20x.
     */
    @org.junit.jupiter.api.Tag("slow") // prints a timing: the -Pslow profile
    @Test
    void smallCoreStepTime() {
        int threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
        try {
            timeSmallCore();
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    private void timeSmallCore() {
        FeedforwardRecurrent core = smallRandomCore();
        for (int[] size : new int[][] {{36, 64}, {64, 96}, {128, 192}}) {
            NetworkState state = NetworkState.fresh();
            long[] nanos = new long[12];
            for (int t = 0; t < nanos.length; t++) {
                try (NDManager frame = manager.newSubManager()) {
                    NDArray p = frame.randomNormal(new Shape(2, S * P, size[0], size[1]));
                    NDArray m = frame.randomNormal(new Shape(2, S * M));
                    long start = System.nanoTime();
                    core.forward(p, m, null, state).toFloatArray();
                    nanos[t] = System.nanoTime() - start;
                    state.attach(manager);
                }
            }
            long[] warm = Arrays.copyOfRange(nanos, 2, nanos.length);
            Arrays.sort(warm);
            System.out.printf("small core, 2 sessions, 1 thread, %dx%d: median %.1f ms, state %.1f MB%n",
                    size[0], size[1],
                    warm[warm.length / 2] / 1e6, state.bytes() / 1e6);
        }
    }

    private FeedforwardRecurrent smallRandomCore() {
        manager.getEngine().setRandomSeed(7);
        return new FeedforwardRecurrent(CoreConfig.small(), S, P, M, StateDict.initialise(manager), "core");
    }

    private NDArray perspective(int n, int t) {
        return seeded(t).randomNormal(new Shape(n, S * P, 64, 96));
    }

    private NDArray modulation(int n, int t) {
        return seeded(100 + t).randomNormal(new Shape(n, S * M));
    }

    private NDManager seeded(int seed) {
        manager.getEngine().setRandomSeed(seed);
        return manager;
    }
}
