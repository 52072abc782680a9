package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.ParityResources;
import io.twinloop.inference.model.StateDict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.twinloop.inference.model.ParityResources.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core against fnn (resources/core-parity-small*, made by src/test/python/make_parity.py): the small
 * configuration with 4 streams, P = 1, M = 16, N = 2 sessions, 3 consecutive frames from a fresh state,
 * all streams and stream 2; feedforward alone and the whole core.
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
        check("core-parity-small", CoreConfig.small());
    }

    @Test
    void convLstmCoreMatchesFnnOverFrames() {
        check("core-parity-small-convlstm", CoreConfig.smallConvLstm());
    }

    private void check(String caseName, CoreConfig config) {
        ParityResources data = new ParityResources(caseName, manager);
        StateDict params = StateDict.of(manager, data.params());
        FeedforwardRecurrent core = new FeedforwardRecurrent(config, STREAMS, P, M, params, "core");
        params.requireAllUsed();

        NDArray perspective = data.array("perspective"); // [T, N, S*P, H, W]
        NDArray modulation = data.array("modulation");   // [T, N, S*M]
        int[] size = core.outputSize((int) perspective.getShape().get(3), (int) perspective.getShape().get(4));
        assertArrayEquals(new int[] {4, 6}, size);
        assertEquals(32, core.channels());

        for (Integer stream : new Integer[] {null, 2}) {
            String tag = stream == null ? "all" : "s" + stream;
            NDArray expectedCore = data.array("core_" + tag);
            NDArray expectedFeedforward = data.array("feedforward_" + tag);
            NetworkState coreState = NetworkState.fresh();
            NetworkState feedforwardState = NetworkState.fresh();
            for (int t = 0; t < perspective.getShape().get(0); t++) {
                NDArray p = perspective.get(t);
                NDArray m = modulation.get(t);
                if (stream != null) {
                    p = p.get(":, " + stream * P + ":" + (stream + 1) * P);
                    m = m.get(":, " + stream * M + ":" + (stream + 1) * M);
                }
                String frame = caseName + " " + tag + " frame " + t;
                assertClose(expectedFeedforward.get(t),
                        core.feedforward().forward(List.of(p), stream, feedforwardState), TOL, frame + " feedforward");
                NDArray y = core.forward(p, m, stream, coreState);
                double err = assertClose(expectedCore.get(t), y, TOL, frame + " core");
                System.out.printf("%s: max abs error %.2e%n", frame, err);
            }
            assertTrue(coreState.tensors().containsKey("core.recurrent.h"));
            assertTrue(coreState.tensors().containsKey("core.feedforward.blocks.0.convs.0.history"));
        }
    }
}
