package io.twinloop.inference.model;

/** A checkpoint that cannot serve the model: missing, extra or mis-shaped keys, or a corrupt file. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
