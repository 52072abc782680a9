package io.twinloop.inference.model.modulation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.twinloop.inference.model.FnnReference;
import io.twinloop.inference.model.NetworkState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The modulation module against fnn's over the fixture's 24 frames, state carried in NetworkState. */
class MlpLstmTest {

    private NDManager manager;
    private MlpLstm modulation;
    private NDArray inputs;

    @BeforeEach
    void build() {
        manager = NDManager.newBaseManager();
        modulation = new MlpLstm(ModulationConfig.published(), 2, 4, FnnReference.scanParameters(manager),
                "modulation");
        inputs = FnnReference.array(manager, "fnn-parity/modulations.npy");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void allStreamsMatchFnnFrameByFrame() {
        NDArray expected = FnnReference.array(manager, "fnn-parts/modulation_all.npy");
        NetworkState state = NetworkState.fresh();
        double worst = 0;
        for (int t = 0; t < 24; t++) {
            NDArray frame = inputs.get(new NDIndex(":, {}", t)).tile(new long[] {1, 4});
            NDArray out = modulation.forward(frame, null, state);
            worst = Math.max(worst, FnnReference.maxAbsDiff(out, expected.get(new NDIndex(":, {}", t))));
        }
        System.out.printf("modulation (all streams) max abs error %.3g%n", worst);
        assertTrue(worst < 1e-5, "max abs error " + worst);
        assertEquals(2, state.batchSize());
        assertEquals(2, state.tensors().size(), "h and c");
    }

    @Test
    void oneStreamMatchesFnn() {
        NDArray expected = FnnReference.array(manager, "fnn-parts/modulation_stream1.npy");
        NetworkState state = NetworkState.fresh();
        double worst = 0;
        for (int t = 0; t < 24; t++) {
            NDArray out = modulation.forward(inputs.get(new NDIndex(":, {}", t)), 1, state);
            worst = Math.max(worst, FnnReference.maxAbsDiff(out, expected.get(new NDIndex(":, {}", t))));
        }
        System.out.printf("modulation (stream 1) max abs error %.3g%n", worst);
        assertTrue(worst < 1e-5, "max abs error " + worst);
    }
}
