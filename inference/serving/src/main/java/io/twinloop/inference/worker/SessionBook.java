package io.twinloop.inference.worker;

import io.twinloop.inference.session.SessionStepper;
import io.twinloop.proto.Limits;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.ModelInput;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The worker's view of its sessions: which are open in the stepper, which asked for another model, which it
 * ended, and the last frame each stepped. It decides what happens to each input: open or close a session,
 * step a frame, skip a frame seen again, or reject it. Only the worker's thread uses it.
 */
final class SessionBook {

    /** What to do with one frame. */
    sealed interface Admission {
        /** Step it. */
        record Step() implements Admission {
        }

        /** Its prediction was published already (the aligned topic was read again): skip it. */
        record Replayed() implements Admission {
        }

        record Refused(Rejection rejection) implements Admission {
        }
    }

    private final SessionStepper stepper;
    private final String modelId;
    private final int maxSessions;
    /** Sessions whose start was refused (another model, too many sessions): their frames are refused alike. */
    private final Map<String, Rejection> refusedStarts = new HashMap<>();
    /** Sessions the worker ended itself (a non-finite prediction), with why: later frames are refused. */
    private final Map<String, String> ended = new HashMap<>();
    private final Map<String, Long> lastStepped = new HashMap<>();
    private final Set<String> open = new HashSet<>();

    SessionBook(SessionStepper stepper, String modelId) {
        this(stepper, modelId, Limits.MAX_SESSIONS_PER_WORKER);
    }

    /** @param maxSessions most sessions open at once; a start beyond is refused ({@code too_many_sessions}) */
    SessionBook(SessionStepper stepper, String modelId, int maxSessions) {
        this.stepper = stepper;
        this.modelId = modelId;
        this.maxSessions = maxSessions;
    }

    /**
     * Applies a start or a stop.
     *
     * @return the rejection of a start that asks for a model this worker does not serve
     */
    Optional<Rejection> apply(ModelInput event) {
        String session = event.getSessionId();
        if (event.hasStart()) {
            String wanted = event.getStart().getModelId();
            ended.remove(session);
            lastStepped.remove(session);
            Rejection refused = null;
            if (!wanted.isEmpty() && !wanted.equals(modelId)) {
                refused = new Rejection(DeadLetterReason.UNKNOWN_MODEL, "session asks for model '" + wanted
                        + "', this worker serves '" + modelId + "'");
            } else if (!open.contains(session) && open.size() >= maxSessions) {
                refused = new Rejection(DeadLetterReason.TOO_MANY_SESSIONS, "this worker holds " + open.size()
                        + " sessions, its most");
            }
            if (refused != null) {
                refusedStarts.put(session, refused);
                stepper.close(session);
                open.remove(session);
                return Optional.of(refused);
            }
            refusedStarts.remove(session);
            stepper.open(session);
            open.add(session);
        } else if (event.hasStop()) {
            stepper.close(session);
            open.remove(session);
            refusedStarts.remove(session);
            ended.remove(session);
            lastStepped.remove(session);
        }
        return Optional.empty();
    }

    Admission admit(ModelInput frame) {
        String session = frame.getSessionId();
        long index = frame.getFrame().getFrame().getFrameIndex();
        Rejection refusedStart = refusedStarts.get(session);
        if (refusedStart != null) {
            return new Admission.Refused(new Rejection(refusedStart.reason(),
                    "frame " + index + " of a session whose start was refused: " + refusedStart.detail()));
        }
        if (ended.containsKey(session)) {
            return new Admission.Refused(new Rejection(DeadLetterReason.SESSION_ENDED,
                    "frame " + index + " of a session the worker ended: " + ended.get(session)));
        }
        if (!stepper.isOpen(session)) {
            return new Admission.Refused(new Rejection(DeadLetterReason.UNKNOWN_SESSION,
                    "frame " + index + " of a session that was never started"));
        }
        if (index <= lastStepped.getOrDefault(session, -1L)) {
            // the stream's exactly-once output can be re-read after a crash or an aborted transaction
            return new Admission.Replayed();
        }
        return new Admission.Step();
    }

    /** @return whether the session has not been stepped since it opened (the stepper batches these apart) */
    boolean isFresh(String session) {
        return !lastStepped.containsKey(session);
    }

    void stepped(String session, long frameIndex) {
        lastStepped.put(session, frameIndex);
    }

    /** Ends a session whose state can no longer be trusted; its later frames are refused with {@code why}. */
    void end(String session, String why) {
        stepper.close(session);
        open.remove(session);
        lastStepped.remove(session);
        ended.put(session, why);
    }

    int openSessions() {
        return open.size();
    }
}
