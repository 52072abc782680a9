package io.twinloop.stream.deadletter;

/**
 * Why a record was rejected: the machine-readable {@code DeadLetter.reason} codes. Consumers of the
 * dead-letter topic match on {@link #code()}, so codes never change once published.
 */
public enum Reason {
    /**
     * The bytes are not a protobuf message of the topic's type, are empty, or hold nothing a v1
     * reader knows (e.g. a telemetry record with neither eye nor treadmill sample).
     */
    UNDECODABLE("undecodable"),
    /** Neither the message nor the record key carries a session id. */
    MISSING_SESSION_ID("missing_session_id"),
    /** The record key and the message's session id differ: the record may sit in the wrong partition. */
    SESSION_KEY_MISMATCH("session_key_mismatch"),
    /** A frame whose header makes no sense: negative index, width/height <= 0, unknown pixel format. */
    INVALID_FRAME("invalid_frame"),
    /** Pixel bytes != width * height * bytes per pixel, or dimensions differ from the session's. */
    WRONG_FRAME_SIZE("wrong_frame_size"),
    /** A telemetry sample with NaN or infinity in any value; frames align with its neighbours. */
    NON_FINITE_TELEMETRY("non_finite_telemetry"),
    /** Telemetry for a virtual session, whose frames never use telemetry. */
    TELEMETRY_FOR_VIRTUAL_SESSION("telemetry_for_virtual_session"),
    /** The session already accepted a frame with this index. */
    DUPLICATE_FRAME("duplicate_frame"),
    /** The index is lower than the last accepted one and was never accepted: it came too late. */
    OUT_OF_ORDER_FRAME("out_of_order_frame"),
    /** Frame, telemetry or stop for a session that was never started, or that has stopped. */
    UNKNOWN_SESSION("unknown_session"),
    /** A control record that cannot be applied: no command, bad statistics, second start, ... */
    INVALID_CONTROL("invalid_control");

    private final String code;

    Reason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
