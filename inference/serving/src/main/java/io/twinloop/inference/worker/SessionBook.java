package io.twinloop.inference.worker;

import io.twinloop.inference.session.SessionStepper;
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
    private final Set<String> otherModel = new HashSet<>();
    /** Sessions the worker ended itself (a non-finite prediction), with why: later frames are refused. */
    private final Map<String, String> ended = new HashMap<>();
    private final Map<String, Long> lastStepped = new HashMap<>();
    private final Set<String> open = new HashSet<>();
    /** open sessions of stimulus optimisers (no rig): stepped after the live ones */
    private final Set<String> virtual = new HashSet<>();

    SessionBook(SessionStepper stepper, String modelId) {
        this.stepper = stepper;
        this.modelId = modelId;
    }

    /**
     * Applies a start or a stop.
     *
     * @return the rejection of a start that asks for a model this worker does not serve
     */
    Optional<Rejection> apply(ModelInput event) {
        String session = event.getSessionId();
        if (event.hasStart() && event.getStart().hasFork()) {
            return fork(event);
        }
        if (event.hasStart()) {
            String wanted = event.getStart().getModelId();
            ended.remove(session);
            lastStepped.remove(session);
            if (!wanted.isEmpty() && !wanted.equals(modelId)) {
                otherModel.add(session);
                stepper.close(session);
                open.remove(session);
                virtual.remove(session);
                return Optional.of(new Rejection(DeadLetterReason.UNKNOWN_MODEL, "session asks for model '" + wanted
                        + "', this worker serves '" + modelId + "'"));
            }
            otherModel.remove(session);
            stepper.open(session);
            open.add(session);
            if (event.getStart().getIsVirtual()) {
                virtual.add(session);
            } else {
                virtual.remove(session);
            }
        } else if (event.hasStop()) {
            stepper.close(session);
            open.remove(session);
            virtual.remove(session);
            otherModel.remove(session);
            ended.remove(session);
            lastStepped.remove(session);
        }
        return Optional.empty();
    }

    /**
     * Opens a fork with a copy of its parent's newest state. Refused (the fork stays closed) when the fork asks
     * for another model, the parent is not open here, or the parent's newest state is not at the asked frame.
     */
    private Optional<Rejection> fork(ModelInput event) {
        String child = event.getSessionId();
        String parent = event.getStart().getFork().getParentSessionId();
        long at = event.getStart().getFork().getAtFrameIndex();
        stepper.close(child);
        open.remove(child);
        virtual.remove(child);
        ended.remove(child);
        lastStepped.remove(child);
        otherModel.remove(child);
        String wanted = event.getStart().getModelId();
        if (!wanted.isEmpty() && !wanted.equals(modelId)) {
            otherModel.add(child);
            return Optional.of(new Rejection(DeadLetterReason.UNKNOWN_MODEL, "fork asks for model '" + wanted
                    + "', this worker serves '" + modelId + "'"));
        }
        if (!open.contains(parent)) {
            return Optional.of(new Rejection(DeadLetterReason.FORK_REFUSED, "parent " + parent
                    + " is not open in this worker"));
        }
        long newest = lastStepped.getOrDefault(parent, -1L);
        if (at != -1 && at != newest) {
            return Optional.of(new Rejection(DeadLetterReason.FORK_REFUSED, "fork at frame " + at + " of " + parent
                    + ", whose newest state is after frame " + newest + " (only the newest state is kept)"));
        }
        try {
            stepper.fork(parent, child);
        } catch (UnsupportedOperationException e) {
            return Optional.of(new Rejection(DeadLetterReason.FORK_REFUSED, e.getMessage()));
        }
        open.add(child);
        virtual.add(child);
        return Optional.empty();
    }

    Admission admit(ModelInput frame) {
        String session = frame.getSessionId();
        long index = frame.getFrame().getFrame().getFrameIndex();
        if (otherModel.contains(session)) {
            return new Admission.Refused(new Rejection(DeadLetterReason.UNKNOWN_MODEL,
                    "frame " + index + " of a session whose model is not served here"));
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
        virtual.remove(session);
        lastStepped.remove(session);
        ended.put(session, why);
    }

    /** @return whether the session is a stimulus optimiser's (started virtual, or a fork) */
    boolean isVirtual(String session) {
        return virtual.contains(session);
    }

    int openSessions() {
        return open.size();
    }
}
