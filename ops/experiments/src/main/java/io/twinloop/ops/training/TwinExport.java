package io.twinloop.ops.training;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.inference.checkpoint.TwinloopCheckpoint;
import io.twinloop.inference.training.NetworkTrainingModel;

import java.nio.file.Path;

/**
 * Writes a trained mouse as a {@code .twinloop} checkpoint: the network's whole state dict (shared core
 * and the mouse's head), which {@code ./twinloop run --params} and {@code ./twinloop replay --params}
 * serve as they are.
 */
public final class TwinExport {

    private TwinExport() {
    }

    /**
     * @param configName the architecture's name ({@code small} or {@code published}), kept in the file so that
     *                   serving builds the same network
     * @param provenance what the model was trained on and how, kept as the checkpoint's metadata
     */
    public static void write(Path file, String configName, NetworkTrainingModel mouse, ObjectNode provenance) {
        ObjectNode architecture = JsonNodeFactory.instance.objectNode().put("name", configName);
        TwinloopCheckpoint.of(architecture, mouse.config().units(), provenance, mouse.tensors()).write(file);
    }
}
