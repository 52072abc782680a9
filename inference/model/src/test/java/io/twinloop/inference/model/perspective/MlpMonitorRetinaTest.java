package io.twinloop.inference.model.perspective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.FnnReference;
import io.twinloop.inference.model.StateDict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The perspective module against fnn's, on the fixture's weights and first frames. */
class MlpMonitorRetinaTest {

    private NDManager manager;
    private MlpMonitorRetina perspective;

    @BeforeEach
    void build() {
        manager = NDManager.newBaseManager();
        StateDict state = FnnReference.scanParameters(manager);
        perspective = new MlpMonitorRetina(PerspectiveConfig.published(), 2, state, "perspective");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** @return [N=2, 1, 144, 256] frame t of both sessions, uint8 / 255 */
    private NDArray frame(int t) {
        NDArray stimuli = FnnReference.array(manager, "fnn-parity/stimuli.npy");
        return stimuli.get(new NDIndex(":, {}:{}", t, t + 1)).div(255f);
    }

    private NDArray pupil(int t) {
        return FnnReference.array(manager, "fnn-parity/perspectives.npy").get(new NDIndex(":, {}", t));
    }

    /**
     * The retina's intensity response (x + 1e-5)^0.5 is steep near black: float32 rounding of the
     * sampling position (~1e-5 pixel at 256 px) moves a dark pixel's output by up to ~1e-4, so the
     * maximum is bounded loosely and the mean tightly (a wrong formula errs by far more in both).
     */
    private static void assertClose(NDArray out, NDArray expected, String what) {
        double max = FnnReference.maxAbsDiff(out, expected);
        double mean = out.sub(expected).abs().mean().getFloat();
        System.out.printf("perspective %s: max abs error %.3g, mean %.3g%n", what, max, mean);
        assertTrue(max < 5e-4, what + " max abs error " + max);
        assertTrue(mean < 1e-6, what + " mean abs error " + mean);
    }

    @Test
    void darkPeripheryMatchesFnn() {
        NDArray expected = FnnReference.array(manager, "fnn-parts/perspective_dark.npy");
        for (int t = 0; t < 2; t++) {
            NDArray out = perspective.forward(frame(t), pupil(t), Periphery.DARK);
            assertEquals(new Shape(2, 1, 128, 192), out.getShape());
            assertClose(out, expected.get(t), "dark t=" + t);
        }
    }

    @Test
    void extendedPeripheryMatchesFnn() {
        NDArray expected = FnnReference.array(manager, "fnn-parts/perspective_extend.npy");
        NDArray out = perspective.forward(frame(0), pupil(0), Periphery.EXTEND);
        assertClose(out, expected, "extend");
        // the periphery differs: a real test of the padding, not of one branch twice
        NDArray dark = perspective.forward(frame(0), pupil(0), Periphery.DARK);
        assertTrue(FnnReference.maxAbsDiff(out, dark) > 0.1);
    }

    @Test
    void initialisedRetinaGridEqualsTheCheckpointBuffer() {
        StateDict fresh = StateDict.initialise(manager);
        new MlpMonitorRetina(PerspectiveConfig.published(), 2, fresh, "perspective");
        NDArray computed = fresh.tensors().get("perspective.retina.grid");
        NDArray loaded = FnnReference.scanParameters(manager).take("perspective.retina.grid",
                new Shape(128, 192, 3), (m, s) -> null);
        double err = FnnReference.maxAbsDiff(computed, loaded);
        assertTrue(err < 1e-6, "retina grid differs by " + err);
        NDArray firstWeights = fresh.tensors().get("perspective.mlp.linears.0.weights.0");
        assertEquals(0f, firstWeights.abs().sum().getFloat());
    }
}
