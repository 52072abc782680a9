package io.twinloop.stream.session;

import io.twinloop.proto.Limits;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.SessionStop;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.stream.deadletter.DeadLetters;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.stream.deadletter.Rejection;
import io.twinloop.stream.decode.Inbound;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session registry and the door to the aligner: opens and closes sessions from control records,
 * and lets a frame or telemetry sample through only if its session is running, the frame has the
 * session's size and its index is new and increasing.
 *
 * <p>A stop whose last frame has not been accepted yet waits (at most {@code stopGrace}, wall
 * clock) for the missing frames: control and frames travel on different topics, so the stop may be
 * processed before the rig's last frames. When the grace runs out the session finishes without them.
 *
 * <p>Frames and telemetry of a session that has not started yet wait up to {@link #START_GRACE}
 * (wall clock) for the start, which travels on the control topic and may be processed after them;
 * when it comes they go through in their order, otherwise they are dead-lettered as unknown.
 *
 * <p>A finished session is remembered for {@link #TRAILING_TELEMETRY} (wall clock): the rig's eye
 * camera and treadmill keep sampling after the last frame, and those trailing samples — which may
 * also be processed after the stop, being on another topic — are dropped quietly instead of being
 * dead-lettered as an unknown session. Frames of a finished session are still dead-lettered.
 */
public final class SessionGate implements Processor<String, Inbound<?>, String, Object> {
    /** Store of {@link SessionState} by session id. */
    public static final String STORE = "twinloop-sessions";
    /** Store of finished sessions: id to wall-clock ms of the finish. */
    public static final String FINISHED_STORE = "twinloop-finished-sessions";
    /** Store of what waits for a session's start: id to {@link EarlyRecords.Held}. */
    public static final String EARLY_INDEX_STORE = "twinloop-early-index";
    /** Store of the records that wait for their session's start, one entry each ({@link EarlyRecords#key}). */
    public static final String EARLY_RECORD_STORE = "twinloop-early-record";
    /** How long frames and telemetry wait for their session's start. */
    public static final Duration START_GRACE = Duration.ofSeconds(5);
    /** How long telemetry that trails a session's stop is dropped without a dead letter. */
    public static final Duration TRAILING_TELEMETRY = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(SessionGate.class);

    private final Duration stopGrace;
    private final String next;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, SessionState> sessions;
    private KeyValueStore<String, Long> finished;
    private KeyValueStore<String, byte[]> earlyIndex;
    private KeyValueStore<String, byte[]> earlyRecords;

    /** @param next name of the processor that receives the {@link SessionEvent}s (the aligner) */
    public SessionGate(Duration stopGrace, String next) {
        this.stopGrace = stopGrace;
        this.next = next;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.sessions = context.getStateStore(STORE);
        this.finished = context.getStateStore(FINISHED_STORE);
        this.earlyIndex = context.getStateStore(EARLY_INDEX_STORE);
        this.earlyRecords = context.getStateStore(EARLY_RECORD_STORE);
        Duration every = stopGrace.dividedBy(10).isZero() ? Duration.ofMillis(1) : stopGrace.dividedBy(10);
        context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::expireWaits);
    }

    @Override
    public void process(Record<String, Inbound<?>> record) {
        Inbound<?> inbound = record.value();
        String sessionId = inbound.sessionId();
        SessionState state = sessions.get(sessionId);
        if (inbound.message() instanceof SessionControl control) {
            onControl(record, control, state);
        } else if (state == null && finished.get(sessionId) != null) {
            if (!(inbound.message() instanceof Telemetry)) {
                reject(record, Rejection.of(DeadLetterReason.UNKNOWN_SESSION,
                        "session '" + sessionId + "' has stopped"));
            }
        } else if (state == null) {
            holdUntilStart(record);
        } else if (inbound.message() instanceof StimulusFrame frame) {
            onFrame(record, frame, state);
        } else if (inbound.message() instanceof Telemetry telemetry) {
            onTelemetry(record, telemetry, state);
        } else {
            throw new IllegalArgumentException("unexpected message " + inbound.message().getClass());
        }
    }

    private void onControl(Record<String, Inbound<?>> record, SessionControl control, SessionState state) {
        String sessionId = record.value().sessionId();
        if (control.hasStart()) {
            if (state != null) {
                reject(record, Rejection.of(DeadLetterReason.INVALID_CONTROL,
                        "session '" + sessionId + "' already started"));
                return;
            }
            finished.delete(sessionId);
            sessions.put(sessionId, SessionState.started(control.getStart()));
            forward(record, new SessionEvent.Started(control.getStart()));
            releaseEarly(sessionId);
            return;
        }
        if (state == null) {
            reject(record, Rejection.of(DeadLetterReason.UNKNOWN_SESSION,
                    "stop for no running session '" + sessionId + "'"));
            return;
        }
        if (state.stopRequested()) {
            reject(record, Rejection.of(DeadLetterReason.INVALID_CONTROL,
                    "session '" + sessionId + "' already stopping"));
            return;
        }
        SessionState stopping = state.stop(control.getStop().getLastFrameIndex(), context.currentSystemTimeMs());
        if (stopping.complete()) {
            finish(sessionId, stopping, record.timestamp());
        } else {
            sessions.put(sessionId, stopping);
        }
    }

    private void onFrame(Record<String, Inbound<?>> record, StimulusFrame frame, SessionState state) {
        if (frame.getWidth() != state.start().getWidth() || frame.getHeight() != state.start().getHeight()) {
            reject(record, Rejection.of(DeadLetterReason.WRONG_FRAME_SIZE, "frame " + frame.getFrameIndex() + " is "
                    + frame.getWidth() + "x" + frame.getHeight() + ", the session declared "
                    + state.start().getWidth() + "x" + state.start().getHeight()));
            return;
        }
        Optional<Rejection> refused = state.admit(frame.getFrameIndex());
        if (refused.isPresent()) {
            reject(record, refused.get());
            return;
        }
        if (frame.getFrameIndex() > state.lastAccepted() + 1) {
            log.warn("session {}: frames {}..{} never arrived before frame {}", record.value().sessionId(),
                    state.lastAccepted() + 1, frame.getFrameIndex() - 1, frame.getFrameIndex());
        }
        SessionState accepted = state.accept(frame.getFrameIndex());
        sessions.put(record.value().sessionId(), accepted);
        forward(record, new SessionEvent.FrameAccepted(frame, record.value().raw()));
        if (accepted.complete()) {
            finish(record.value().sessionId(), accepted, record.timestamp());
        }
    }

    private void onTelemetry(Record<String, Inbound<?>> record, Telemetry telemetry, SessionState state) {
        if (state.start().getIsVirtual()) {
            reject(record, Rejection.of(DeadLetterReason.TELEMETRY_FOR_VIRTUAL_SESSION,
                    "virtual sessions align no telemetry"));
            return;
        }
        forward(record, new SessionEvent.TelemetryAccepted(telemetry));
    }

    /** Lets the aligner flush and close the session, then forgets it: later records are unknown. */
    private void finish(String sessionId, SessionState state, long timestamp) {
        SessionStop stop = SessionStop.newBuilder().setLastFrameIndex(state.stopIndex()).build();
        context.forward(new Record<>(sessionId, new SessionEvent.Stopped(stop), timestamp), next);
        sessions.delete(sessionId);
        finished.put(sessionId, context.currentSystemTimeMs());
    }

    /** Ends every wait that ran out: stops missing frames, finished sessions, records never started. */
    private void expireWaits(long wallClockMs) {
        finishOverdueStops(wallClockMs);
        forgetFinishedSessions(wallClockMs);
        rejectRecordsNeverStarted(wallClockMs);
    }

    private void finishOverdueStops(long wallClockMs) {
        List<KeyValue<String, SessionState>> overdue = new ArrayList<>();
        try (KeyValueIterator<String, SessionState> all = sessions.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.stopRequested() && wallClockMs - kv.value.stopRequestedAtMs() >= stopGrace.toMillis()) {
                    overdue.add(kv);
                }
            });
        }
        for (KeyValue<String, SessionState> kv : overdue) {
            log.warn("session {}: stopping without frames {}..{} after waiting {}", kv.key,
                    kv.value.lastAccepted() + 1, kv.value.stopIndex(), stopGrace);
            finish(kv.key, kv.value, wallClockMs);
        }
    }

    private void holdUntilStart(Record<String, Inbound<?>> record) {
        String sessionId = record.value().sessionId();
        EarlyRecords.Held held = EarlyRecords.Held.decode(earlyIndex.get(sessionId));
        byte[] raw = record.value().raw();
        if (held.count() >= Limits.MAX_EARLY_RECORDS_PER_SESSION
                || held.bytes() + raw.length > Limits.MAX_EARLY_BYTES_PER_SESSION) {
            reject(record, Rejection.of(DeadLetterReason.TOO_MANY_EARLY_RECORDS, "no running session '" + sessionId
                    + "' and " + held.count() + " of its records (" + held.bytes() + " bytes) already wait for a"
                    + " start; at most " + Limits.MAX_EARLY_RECORDS_PER_SESSION + " and "
                    + Limits.MAX_EARLY_BYTES_PER_SESSION + " bytes wait"));
            return;
        }
        EarlyRecords.Kind kind = record.value().message() instanceof StimulusFrame
                ? EarlyRecords.Kind.FRAME : EarlyRecords.Kind.TELEMETRY;
        long now = context.currentSystemTimeMs();
        earlyRecords.put(EarlyRecords.key(sessionId, held.count()),
                EarlyRecords.encode(new EarlyRecords.Early(kind, record.timestamp(), now, raw)));
        earlyIndex.put(sessionId, held.plus(raw.length, now).encode());
    }

    /** Puts the records that came before the start through the gate, in their order. */
    private void releaseEarly(String sessionId) {
        EarlyRecords.Held held = EarlyRecords.Held.decode(earlyIndex.get(sessionId));
        earlyIndex.delete(sessionId);
        for (int i = 0; i < held.count(); i++) {
            EarlyRecords.Early e = takeEarly(sessionId, i);
            if (e != null) {
                process(new Record<>(sessionId, decode(sessionId, e), e.timestamp()));
            }
        }
    }

    /** Removes and returns a session's held record {@code sequence} (null if it is not there). */
    private EarlyRecords.Early takeEarly(String sessionId, int sequence) {
        String key = EarlyRecords.key(sessionId, sequence);
        byte[] encoded = earlyRecords.delete(key);
        return encoded == null ? null : EarlyRecords.decode(encoded);
    }

    private void rejectRecordsNeverStarted(long wallClockMs) {
        List<KeyValue<String, EarlyRecords.Held>> expired = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = earlyIndex.all()) {
            all.forEachRemaining(kv -> {
                EarlyRecords.Held held = EarlyRecords.Held.decode(kv.value);
                if (held.count() > 0 && wallClockMs - held.firstArrivedMs() >= START_GRACE.toMillis()) {
                    expired.add(KeyValue.pair(kv.key, held));
                }
            });
        }
        for (KeyValue<String, EarlyRecords.Held> kv : expired) {
            earlyIndex.delete(kv.key);
            for (int i = 0; i < kv.value.count(); i++) {
                EarlyRecords.Early e = takeEarly(kv.key, i);
                if (e != null) {
                    reject(new Record<>(kv.key, decode(kv.key, e), e.timestamp()),
                            Rejection.of(DeadLetterReason.UNKNOWN_SESSION,
                            "no running session '" + kv.key + "': no start arrived within " + START_GRACE));
                }
            }
        }
    }

    private static Inbound<?> decode(String sessionId, EarlyRecords.Early e) {
        try {
            return e.kind() == EarlyRecords.Kind.FRAME
                    ? new Inbound<>(sessionId, StimulusFrame.parseFrom(e.raw()), e.raw())
                    : new Inbound<>(sessionId, Telemetry.parseFrom(e.raw()), e.raw());
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            // it was decoded once before it was held
            throw new IllegalStateException("held record of session " + sessionId + " no longer decodes", ex);
        }
    }

    private void forgetFinishedSessions(long wallClockMs) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = finished.all()) {
            all.forEachRemaining(kv -> {
                if (wallClockMs - kv.value >= TRAILING_TELEMETRY.toMillis()) {
                    expired.add(kv.key);
                }
            });
        }
        expired.forEach(finished::delete);
    }

    private void forward(Record<String, Inbound<?>> record, SessionEvent event) {
        context.forward(record.withValue(event), next);
    }

    private void reject(Record<String, Inbound<?>> record, Rejection rejection) {
        DeadLetters.reject(context, record, record.value().sessionId(), record.value().raw(), rejection);
    }
}
