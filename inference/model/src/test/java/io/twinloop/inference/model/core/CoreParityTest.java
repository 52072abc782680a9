package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.twinloop.inference.checkpoint.TorchCheckpoint;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.ParityResources;
import io.twinloop.inference.model.StateDict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.twinloop.inference.model.ParityResources.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core against fnn (resources/core-parity-*, made by src/test/python/make_parity.py), 4 streams,
 * P = 1, M = 16, 3 consecutive frames from a fresh state, all streams and one stream: the small
 * configuration (all three recurrents, N = 2, feedforward alone and whole core) and the published one with
 * the fnn-parity fixture's weights (N = 1).
 */
class CoreParityTest {

    private static final double TOL = 1e-4;
    private static final int STREAMS = 4;
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
    void cvtLstmCoreMatchesFnnOverFrames() {
        ParityResources data = new ParityResources("core-parity-small", manager);
        check(data, CoreConfig.small(), StateDict.of(manager, data.params()), 2, new int[] {4, 6}, true);
    }

    @Test
    void convLstmCoreMatchesFnnOverFrames() {
        ParityResources data = new ParityResources("core-parity-small-convlstm", manager);
        check(data, CoreConfig.smallConvLstm(), StateDict.of(manager, data.params()), 2, new int[] {4, 6}, true);
    }

    @Test
    void rvtCoreMatchesFnnOverFrames() {
        ParityResources data = new ParityResources("core-parity-small-rvt", manager);
        check(data, CoreConfig.smallRvt(), StateDict.of(manager, data.params()), 2, new int[] {4, 6}, true);
    }

    /** The published architecture with the fixture's params_core.pt, N = 1, 64 x 96 perspective. */
    @Test
    void publishedCoreMatchesFnnOverFrames() throws Exception {
        ParityResources data = new ParityResources("core-parity-published", manager);
        Path weights = Path.of(CoreParityTest.class.getResource("/fnn-parity/params_core.pt").toURI());
        check(data, CoreConfig.published(), TorchCheckpoint.load(manager, weights), 1, new int[] {8, 12}, false);
    }

    private void check(ParityResources data, CoreConfig config, StateDict params, int oneStream, int[] outputSize,
                       boolean withFeedforward) {
        FeedforwardRecurrent core = new FeedforwardRecurrent(config, STREAMS, P, M, params, "core");
        params.requireAllUsed();

        NDArray perspective = data.array("perspective"); // [T, N, S*P, H, W]
        NDArray modulation = data.array("modulation");   // [T, N, S*M]
        int[] size = core.outputSize((int) perspective.getShape().get(3), (int) perspective.getShape().get(4));
        assertArrayEquals(outputSize, size);
        assertEquals(config.recurrent().outChannels(), core.channels());

        for (Integer stream : new Integer[] {null, oneStream}) {
            String tag = stream == null ? "all" : "s" + stream;
            NDArray expectedCore = data.array("core_" + tag);
            NDArray expectedFeedforward = withFeedforward ? data.array("feedforward_" + tag) : null;
            NetworkState coreState = NetworkState.fresh();
            NetworkState feedforwardState = NetworkState.fresh();
            for (int t = 0; t < perspective.getShape().get(0); t++) {
                NDArray p = perspective.get(t);
                NDArray m = modulation.get(t);
                if (stream != null) {
                    p = p.get(":, " + stream * P + ":" + (stream + 1) * P);
                    m = m.get(":, " + stream * M + ":" + (stream + 1) * M);
                }
                String frame = data + " " + tag + " frame " + t;
                if (withFeedforward) {
                    assertClose(expectedFeedforward.get(t), core.feedforward().forward(List.of(p), stream,
                            feedforwardState), TOL, frame + " feedforward");
                }
                NDArray y = core.forward(p, m, stream, coreState);
                double err = assertClose(expectedCore.get(t), y, TOL, frame + " core");
                System.out.printf("%s: max abs error %.2e%n", frame, err);
            }
            assertTrue(coreState.tensors().containsKey("core.recurrent.h"));
            assertTrue(coreState.tensors().containsKey("core.feedforward.blocks.0.convs.0.history.0"));
        }
    }
}
