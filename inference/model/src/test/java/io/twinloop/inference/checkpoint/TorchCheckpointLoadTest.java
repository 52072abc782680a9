package io.twinloop.inference.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.CheckpointException;
import io.twinloop.inference.model.StateDict;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The core and scan files merged into one StateDict, and what a module sees when they do not fit. */
class TorchCheckpointLoadTest {

    private static final StateDict.Initializer NEVER = (m, s) -> {
        throw new AssertionError("a loaded StateDict must not initialise");
    };

    @Test
    void coreAndScanFilesMakeOneStateDict() {
        try (NDManager manager = NDManager.newBaseManager()) {
            StateDict dict = TorchCheckpoint.load(manager, TestFiles.CORE, TestFiles.SCAN);
            NDArray weights = dict.take("core.feedforward.inputs.0.weights.0", new Shape(32, 1, 1, 6, 6), NEVER);
            float[] expected = TorchCheckpoint.read(TestFiles.CORE).get("core.feedforward.inputs.0.weights.0").floats();
            assertArrayEquals(expected, weights.toFloatArray());
            dict.take("perspective.monitor.center", new Shape(3), NEVER);

            CheckpointException unused = assertThrows(CheckpointException.class, dict::requireAllUsed);
            assertTrue(unused.getMessage().contains("perspective.monitor.angle"), unused.getMessage());
            assertTrue(!unused.getMessage().contains("perspective.monitor.center,"), unused.getMessage());
        }
    }

    @Test
    void misShapedAndMissingKeysAreNamed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            StateDict dict = TorchCheckpoint.load(manager, TestFiles.SCAN);
            CheckpointException misShaped = assertThrows(CheckpointException.class,
                    () -> dict.take("perspective.monitor.center", new Shape(4), NEVER));
            assertTrue(misShaped.getMessage().contains("perspective.monitor.center"), misShaped.getMessage());
            CheckpointException missing = assertThrows(CheckpointException.class,
                    () -> dict.take("core.feedforward.inputs.0.weights.0", new Shape(32, 1, 1, 6, 6), NEVER));
            assertTrue(missing.getMessage().contains("core.feedforward.inputs.0.weights.0"), missing.getMessage());
        }
    }

    @Test
    void boolBuffersAreTakenAsFloat() {
        try (NDManager manager = NDManager.newBaseManager()) {
            StateDict dict = TorchCheckpoint.load(manager, TestFiles.CORE);
            NDArray mask = dict.take("core.recurrent.proj_x.0.mask", new Shape(8, 8, 1, 1), NEVER);
            double sum = 0;
            for (float v : mask.toFloatArray()) {
                sum += v;
            }
            assertEquals(56.0, sum);
        }
    }

    @Test
    void aKeyInTwoFilesIsNamedWithBothFiles() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TorchCheckpoint.readAll(TestFiles.SCAN, TestFiles.CORE, TestFiles.SCAN));
        assertTrue(e.getMessage().contains("'perspective.monitor.center'"), e.getMessage());
        assertTrue(e.getMessage().contains(TestFiles.SCAN.toString()), e.getMessage());
        assertThrows(CheckpointException.class, TorchCheckpoint::readAll);
    }
}
