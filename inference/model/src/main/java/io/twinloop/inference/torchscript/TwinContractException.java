package io.twinloop.inference.torchscript;

import io.twinloop.inference.model.CheckpointException;

/**
 * A TorchScript file that does not keep twinloop's step contract (docs/twins.md): one line that names the
 * file and the problem. A kind of {@link CheckpointException}, so commands report it as bad input.
 */
public final class TwinContractException extends CheckpointException {

    public TwinContractException(String message) {
        super(message);
    }

    public TwinContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
