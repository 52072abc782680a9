package io.twinloop.proto;

import java.util.List;

/**
 * The Kafka topics of twinloop. Every record is keyed by the session id (UTF-8), so one session's
 * records share a partition and keep their order; all topics have the same partition count, which
 * makes them co-partitioned for the stream's joins.
 */
public final class Topics {
    /** Rig to twinloop: {@code StimulusFrame}. */
    public static final String FRAMES = "twinloop.frames";
    /** Rig to twinloop: {@code Telemetry} (eye and treadmill samples). */
    public static final String TELEMETRY = "twinloop.telemetry";
    /** Rig or optimizer to twinloop: {@code SessionControl} (start, stop). */
    public static final String CONTROL = "twinloop.control";
    /** Rig to twinloop: {@code RecordedResponses}, for replay scoring. */
    public static final String RESPONSES = "twinloop.responses";
    /** Stream to inference workers: {@code ModelInput}. */
    public static final String ALIGNED = "twinloop.aligned";
    /** Inference workers out: {@code Prediction}. */
    public static final String PREDICTIONS = "twinloop.predictions";
    /** Rejected input: {@code DeadLetter} with the reason. */
    public static final String DEAD_LETTER = "twinloop.dead-letter";

    /** Every topic the service creates at start. */
    public static final List<String> ALL =
            List.of(FRAMES, TELEMETRY, CONTROL, RESPONSES, ALIGNED, PREDICTIONS, DEAD_LETTER);

    private Topics() {
    }
}
