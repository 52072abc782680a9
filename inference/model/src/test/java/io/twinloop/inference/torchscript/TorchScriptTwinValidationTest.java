package io.twinloop.inference.torchscript;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loader refuses each way of breaking the contract with one line that names it. */
class TorchScriptTwinValidationTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "wrong-version    | contract_version 2",
        "no-units         | no int attribute 'units'",
        "layers-first     | state tensor 0 is not batch first",
        "counter          | the same step from the same state gave rates",
        "wrong-units      | expected float32 (2, 3)",
        "negative-rates   | rates must be finite and >= 0",
        "raises           | forward failed on frames (2, 1, 4, 6)",
        "no-initial-state | no method initial_state",
    })
    void refusesWithOneLine(String name, String problem) {
        TwinContractException e = assertThrows(TwinContractException.class,
                () -> TorchScriptTwin.load(TorchScriptFixtures.broken(name)).close());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().contains(name + ".pt"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void acceptsTheValidOneWithoutMetadata() {
        try (TorchScriptTwin twin = TorchScriptTwin.load(TorchScriptFixtures.broken("valid"))) {
            assertEquals(3, twin.units());
            assertEquals(4, twin.height());
            assertEquals(6, twin.width());
            assertEquals(3, twin.metadata().unitIds().size());
            assertEquals(4, twin.stateBytes()); // one float32 [1, 1]
            assertEquals(java.util.List.of("state.0"), twin.stateNames());
        }
    }

    @Test
    void namesTheStateAsTheModuleDoes() {
        try (TorchScriptTwin twin = TorchScriptTwin.load(TorchScriptFixtures.module("viv1t"))) {
            assertEquals(java.util.List.of("frames", "behaviour", "filled"), twin.stateNames());
            assertEquals(java.util.List.of(new ai.djl.ndarray.types.Shape(1, 8, 36, 64),
                    new ai.djl.ndarray.types.Shape(1, 8, 4), new ai.djl.ndarray.types.Shape(1, 8)), twin.stateShapes());
        }
    }

    @Test
    void refusesAFileThatIsNotTorchScript(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("notes.pt"), "not a zip");
        TwinContractException e = assertThrows(TwinContractException.class, () -> TorchScriptTwin.load(file));
        assertTrue(e.getMessage().contains("not a TorchScript file"), e.getMessage());
        assertThrows(TwinContractException.class, () -> TorchScriptTwin.load(dir.resolve("missing.pt")));
    }

    @Test
    void refusesMetadataThatDoesNotFitTheModule(@TempDir Path dir) throws IOException {
        Path module = Files.copy(TorchScriptFixtures.broken("valid"), dir.resolve("valid.pt"));
        Files.writeString(dir.resolve("valid.json"), "{\"contract_version\": 1, \"unit_ids\": [\"a\", \"b\"]}");
        TwinContractException e = assertThrows(TwinContractException.class, () -> TorchScriptTwin.load(module));
        assertTrue(e.getMessage().contains("unit_ids names 2 units, the module has 3"), e.getMessage());
    }

    @Test
    void refusesAProbeThatTheModuleDoesNotReproduce(@TempDir Path dir) throws IOException {
        Path module = Files.copy(TorchScriptFixtures.module("shallow"), dir.resolve("shallow.pt"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode metadata = (ObjectNode) json.readTree(TorchScriptFixtures.dir().resolve("shallow.json").toFile());
        ArrayNode rates = (ArrayNode) metadata.get("probe").get("rates");
        rates.set(0, rates.get(0).asDouble() + 0.01);
        json.writeValue(dir.resolve("shallow.json").toFile(), metadata);
        TwinContractException e = assertThrows(TwinContractException.class, () -> TorchScriptTwin.load(module));
        assertTrue(e.getMessage().contains("probe step: unit 0"), e.getMessage());
    }
}
