package io.twinloop.stream.align;

import io.twinloop.proto.v1.AlignedFrame;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.WallClock;
import io.twinloop.stream.session.SessionEvent;
import io.twinloop.stream.session.SessionState;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds accepted frames until their behaviour is known, then emits them, in index order, as
 * {@link ModelInput}s; passes session start and stop through in the right place.
 *
 * <p>A frame leaves when {@link TelemetryAligner} says it is ready, or when its wait expired:
 * {@code maxWait} after it arrived (wall clock, checked every {@code checkEvery}) or once a record
 * of the same session arrived with a Kafka timestamp {@code maxWait} past the frame's (the
 * session's stream time, see {@link TelemetryBuffers#streamTimeMs()}). Only the oldest waiting
 * frame of a session can leave; later ones queue behind it. Virtual sessions never wait and get {@link
 * AlignedBehaviour#NEUTRAL}. A stop releases everything still waiting, then closes the session.
 */
public final class AlignmentProcessor implements Processor<String, SessionEvent, String, ModelInput> {
    /** Store of {@link TelemetryBuffers} by session id. */
    public static final String BUFFERS_STORE = "twinloop-telemetry-buffers";
    private static final Logger log = LoggerFactory.getLogger(AlignmentProcessor.class);

    private final String sessionsStore;
    private final long maxWaitMs;
    private final Duration checkEvery;
    private ProcessorContext<String, ModelInput> context;
    private KeyValueStore<String, SessionState> sessions;
    private KeyValueStore<String, TelemetryBuffers> buffers;
    private PendingFrames pending;

    /**
     * @param sessionsStore the store of {@link SessionState} by session id that the session gate keeps (read only:
     *                      the topology names it, so that this stage does not reach into the gate)
     */
    public AlignmentProcessor(String sessionsStore, Duration maxWait, Duration checkEvery) {
        this.sessionsStore = sessionsStore;
        this.maxWaitMs = maxWait.toMillis();
        this.checkEvery = checkEvery;
    }

    @Override
    public void init(ProcessorContext<String, ModelInput> context) {
        this.context = context;
        this.sessions = context.getStateStore(sessionsStore);
        this.buffers = context.getStateStore(BUFFERS_STORE);
        KeyValueStore<Bytes, byte[]> pendingStore = context.getStateStore(PendingFrames.STORE);
        this.pending = new PendingFrames(pendingStore);
        context.schedule(checkEvery, PunctuationType.WALL_CLOCK_TIME, now -> releaseAllSessions());
    }

    @Override
    public void process(Record<String, SessionEvent> record) {
        String sessionId = record.key();
        SessionEvent event = record.value();
        if (event instanceof SessionEvent.Started started) {
            emit(record.withValue(ModelInput.newBuilder().setSessionId(sessionId).setStart(started.start()).build()));
        } else if (event instanceof SessionEvent.FrameAccepted accepted) {
            onFrame(sessionId, PendingFrames.Pending.of(accepted.frame(), context.currentSystemTimeMs(),
                    record.timestamp(), accepted.raw()));
        } else if (event instanceof SessionEvent.TelemetryAccepted telemetry) {
            TelemetryBuffers session = buffersOf(sessionId);
            session.add(telemetry.telemetry());
            session.observe(record.timestamp());
            release(sessionId, session, false);
            buffers.put(sessionId, session);
        } else if (event instanceof SessionEvent.Stopped stopped) {
            release(sessionId, true);
            buffers.delete(sessionId);
            emit(record.withValue(ModelInput.newBuilder().setSessionId(sessionId).setStop(stopped.stop()).build()));
        }
    }

    /**
     * A frame that can leave at once and has nobody ahead of it skips the pending store (and its
     * changelog); any other frame queues and the queue is released as far as it can go.
     */
    private void onFrame(String sessionId, PendingFrames.Pending frame) {
        SessionState state = sessions.get(sessionId);
        TelemetryBuffers session = buffersOf(sessionId);
        session.observe(frame.recordTimestampMs());
        if (!pending.of(sessionId).isEmpty() || !tryRelease(sessionId, state.start(), session, frame, false)) {
            pending.add(sessionId, frame);
            release(sessionId, session, false);
        }
        buffers.put(sessionId, session);
    }

    private void releaseAllSessions() {
        for (String sessionId : pending.sessions()) {
            release(sessionId, false);
        }
    }

    private void release(String sessionId, boolean force) {
        TelemetryBuffers session = buffersOf(sessionId);
        if (release(sessionId, session, force)) {
            buffers.put(sessionId, session);
        }
    }

    /**
     * Emits the session's waiting frames in order until one must still wait.
     *
     * @param force release everything (the session stops)
     * @return whether a frame was released (and the buffers pruned)
     */
    private boolean release(String sessionId, TelemetryBuffers session, boolean force) {
        SessionState state = sessions.get(sessionId);
        if (state == null) {
            // Cannot happen in order (a stop flushes before the gate forgets the session); if a
            // partial restore ever gets here, do not rescan the orphans every few milliseconds.
            for (PendingFrames.Pending orphan : pending.of(sessionId)) {
                log.error("session {} has no state: dropping its waiting frame {}", sessionId, orphan.frameIndex());
                pending.remove(sessionId, orphan.frameIndex());
            }
            return false;
        }
        boolean released = false;
        for (PendingFrames.Pending frame : pending.of(sessionId)) {
            if (!tryRelease(sessionId, state.start(), session, frame, force)) {
                break;
            }
            pending.remove(sessionId, frame.frameIndex());
            released = true;
        }
        return released;
    }

    /** Emits the frame if its behaviour is known or its wait is over; false if it must wait. */
    private boolean tryRelease(String sessionId, SessionStart start, TelemetryBuffers session,
                               PendingFrames.Pending frame, boolean force) {
        Optional<AlignedBehaviour> behaviour = start.getIsVirtual()
                ? Optional.of(AlignedBehaviour.NEUTRAL)
                : new TelemetryAligner(start).align(frame.timestampUs(), session, force || waitExpired(frame, session));
        if (behaviour.isEmpty()) {
            return false;
        }
        emit(new Record<>(sessionId, aligned(sessionId, frame, start.getModelId(), behaviour.get()),
                frame.recordTimestampMs()));
        session.released(frame.timestampUs());
        return true;
    }

    private boolean waitExpired(PendingFrames.Pending frame, TelemetryBuffers session) {
        return context.currentSystemTimeMs() - frame.arrivedAtMs() >= maxWaitMs
                || session.streamTimeMs() >= frame.recordTimestampMs() + maxWaitMs;
    }

    private static ModelInput aligned(String sessionId, PendingFrames.Pending pending, String modelId,
                                      AlignedBehaviour behaviour) {
        return ModelInput.newBuilder()
                .setSessionId(sessionId)
                .setFrame(AlignedFrame.newBuilder()
                        .setFrame(pending.frame())
                        .setModelId(modelId)
                        .setPupilX(behaviour.pupilX())
                        .setPupilY(behaviour.pupilY())
                        .setPupilRadius(behaviour.pupilRadius())
                        .setTreadmillVelocity(behaviour.treadmillVelocity())
                        .setTelemetryHeld(behaviour.held())
                        .setAlignedAtUs(WallClock.nowMicros()))
                .build();
    }

    private TelemetryBuffers buffersOf(String sessionId) {
        TelemetryBuffers session = buffers.get(sessionId);
        return session != null ? session : new TelemetryBuffers();
    }

    private void emit(Record<String, ModelInput> record) {
        context.forward(record);
    }
}
