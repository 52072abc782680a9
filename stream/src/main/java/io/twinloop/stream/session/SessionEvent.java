package io.twinloop.stream.session;

import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.SessionStop;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;

/**
 * What the session gate lets through to the aligner, in the order the aligner must apply it. The
 * record key is the session id.
 */
public sealed interface SessionEvent {
    /** A session was opened. */
    record Started(SessionStart start) implements SessionEvent {
    }

    /** A frame passed every check; {@code raw} are its bytes as received. */
    record FrameAccepted(StimulusFrame frame, byte[] raw) implements SessionEvent {
    }

    /** A valid behaviour sample for a rig session. */
    record TelemetryAccepted(Telemetry telemetry) implements SessionEvent {
    }

    /** Every frame up to {@code stop.last_frame_index} was accepted (or the grace ran out): finish. */
    record Stopped(SessionStop stop) implements SessionEvent {
    }
}
