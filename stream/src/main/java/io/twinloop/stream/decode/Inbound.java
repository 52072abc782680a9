package io.twinloop.stream.decode;

import com.google.protobuf.Message;

/**
 * A decoded, self-consistent input record on its way to the session gate.
 *
 * @param sessionId the session it belongs to (never empty)
 * @param message the decoded message
 * @param raw the original bytes, kept so that a later rejection can dead-letter them unchanged
 */
public record Inbound<M extends Message>(String sessionId, M message, byte[] raw) {
}
