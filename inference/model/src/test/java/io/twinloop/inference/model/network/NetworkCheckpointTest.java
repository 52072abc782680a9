package io.twinloop.inference.model.network;

import io.twinloop.inference.model.CheckpointException;
import io.twinloop.inference.model.FnnReference;
import io.twinloop.inference.model.StateDict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A checkpoint that does not fit the architecture fails, naming the key. */
class NetworkCheckpointTest {

    private static final NetworkConfig SMALL = NetworkConfig.small(5);

    private NDManager manager;
    private Map<String, NDArray> tensors;

    @BeforeEach
    void initialise() {
        manager = NDManager.newBaseManager();
        StateDict initial = StateDict.initialise(manager);
        Network.initialise(SMALL, initial);
        tensors = new LinkedHashMap<>(initial.tensors());
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private CheckpointException loadFails(Map<String, NDArray> checkpoint) {
        return assertThrows(CheckpointException.class, () -> Network.load(SMALL, StateDict.of(manager, checkpoint)));
    }

    @Test
    void theInitialisedTensorsLoadBack() {
        Network network = Network.load(SMALL, StateDict.of(manager, tensors));
        assertEquals(5, network.units());
        assertTrue(tensors.keySet().stream().anyMatch(k -> k.startsWith("core.")));
        assertTrue(tensors.containsKey("perspective.retina.grid"));
        assertTrue(tensors.containsKey("modulation.lstm.proj_o.gains.3"));
    }

    @Test
    void aMissingKeyIsNamed() {
        tensors.remove("readout.position.mu");
        assertTrue(loadFails(tensors).getMessage().contains("readout.position.mu"));
    }

    @Test
    void aMissingCoreKeyIsNamed() {
        String key = tensors.keySet().stream().filter(k -> k.startsWith("core.recurrent")).findFirst().orElseThrow();
        tensors.remove(key);
        assertTrue(loadFails(tensors).getMessage().contains(key));
    }

    @Test
    void anExtraKeyIsNamed() {
        tensors.put("readout.feature.weights.4", manager.zeros(new Shape(5, 1, 32)));
        assertTrue(loadFails(tensors).getMessage().contains("readout.feature.weights.4"));
    }

    @Test
    void aMisshapedKeyIsNamed() {
        tensors.put("perspective.monitor.center", manager.zeros(new Shape(4)));
        CheckpointException e = loadFails(tensors);
        assertTrue(e.getMessage().contains("perspective.monitor.center"), e.getMessage());
        assertTrue(e.getMessage().contains("(4)"), e.getMessage());
    }

    @Test
    void aCheckpointOfMoreUnitsIsRejected() {
        tensors.put("readout.position.mu", manager.zeros(new Shape(6, 2)));
        assertTrue(loadFails(tensors).getMessage().contains("readout.position.mu"));
    }

    @Test
    void theCoreAloneIsNotANetwork() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Network.load(
                NetworkConfig.published(FnnReference.UNITS),
                io.twinloop.inference.checkpoint.TorchCheckpoint.load(manager,
                        FnnReference.resource("fnn-parity/params_core.pt"))));
        assertTrue(e.getMessage().contains("perspective."), e.getMessage());
    }
}
