package io.twinloop.inference.worker;

import io.twinloop.inference.session.SessionStepper;
import io.twinloop.proto.Limits;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.SessionStart;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The worker's view of its sessions: which are open in the stepper (with the start that opened them, the
 * partition they arrive on and when their last record came), which had their start refused, which it ended,
 * and the last frame each stepped. It decides what happens to each input: open or close a session, step a
 * frame, skip a frame seen again, or reject it; and which sessions to let go (idle, or their partition moved
 * to another worker). Only the worker's thread uses it.
 */
final class SessionBook {

    /** How many ended sessions are remembered (so that their late frames say why); the oldest is forgotten. */
    private static final int ENDED_REMEMBERED = 10_000;

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

    /**
     * A session closed for want of frames.
     *
     * @param source     the partition its records arrived on
     * @param lastOffset the offset of its last record there
     */
    record Idle(String session, TopicPartition source, long lastOffset, long idleNanos) {
    }

    /** Where an open session's records arrive and when the last one came (worker clock, nanoseconds). */
    private static final class Seen {
        TopicPartition source;
        long offset;
        long atNanos;
    }

    private final SessionStepper stepper;
    private final String modelId;
    private final int maxSessions;
    /** Sessions whose start was refused (another model, too many sessions): their frames are refused alike. */
    private final Map<String, Rejection> refusedStarts = new HashMap<>();
    /** Sessions the worker ended itself (a non-finite prediction, idle), with why: later frames are refused. */
    private final Map<String, String> ended = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > ENDED_REMEMBERED;
        }
    };
    private final Map<String, Long> lastStepped = new HashMap<>();
    /** Open sessions and the start that opened each. */
    private final Map<String, SessionStart> open = new HashMap<>();
    private final Map<String, Seen> seen = new HashMap<>();
    private long duplicateStarts;

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
     * Notes that a record of {@code session} arrived from {@code source} at {@code offset}, at {@code nowNanos}
     * of the worker's clock: an open session is idle only when no record of it came for the idle timeout, and
     * it is let go with its partition. Called after {@link #apply} for a start, before {@link #admit} for a frame;
     * a session the book holds nothing of is not noted.
     */
    void arrived(String session, TopicPartition source, long offset, long nowNanos) {
        if (!open.containsKey(session) && !refusedStarts.containsKey(session)) {
            return;     // nothing held for it: records of unknown sessions leave no trace
        }
        Seen s = seen.computeIfAbsent(session, k -> new Seen());
        s.source = source;
        s.offset = offset;
        s.atNanos = nowNanos;
    }

    /**
     * Applies a start or a stop. A start of a session already open with the same parameters (the aligned topic
     * read again after a restart, an aborted transaction upstream) is ignored and counted: the session goes on
     * with its state. One with other parameters is refused and the session goes on.
     *
     * @return the rejection of a start: another model, too many sessions, or conflicting with the running one
     */
    Optional<Rejection> apply(ModelInput event) {
        String session = event.getSessionId();
        if (event.hasStart() && event.getStart().hasFork() && !event.getStart().equals(open.get(session))) {
            return fork(event);
        }
        if (event.hasStart()) {
            SessionStart running = open.get(session);
            if (running != null) {
                if (running.equals(event.getStart())) {
                    duplicateStarts++;
                    return Optional.empty();
                }
                return Optional.of(new Rejection(DeadLetterReason.CONFLICTING_START, "session '" + session
                        + "' is running with other parameters (model '" + running.getModelId() + "', "
                        + running.getWidth() + "x" + running.getHeight() + "); stop it before starting it again"));
            }
            String wanted = event.getStart().getModelId();
            ended.remove(session);
            lastStepped.remove(session);
            Rejection refused = null;
            if (!wanted.isEmpty() && !wanted.equals(modelId)) {
                refused = new Rejection(DeadLetterReason.UNKNOWN_MODEL, "session asks for model '" + wanted
                        + "', this worker serves '" + modelId + "'");
            } else if (open.size() >= maxSessions) {
                refused = new Rejection(DeadLetterReason.TOO_MANY_SESSIONS, "this worker holds " + open.size()
                        + " sessions, its most");
            }
            if (refused != null) {
                refusedStarts.put(session, refused);
                return Optional.of(refused);
            }
            refusedStarts.remove(session);
            stepper.open(session);
            open.put(session, event.getStart());
        } else if (event.hasStop()) {
            forget(session);
        }
        return Optional.empty();
    }

    /**
     * Opens a fork with a copy of its parent's newest state. Refused (the fork stays closed) when the fork asks
     * for another model, the worker is full, the parent is not open here, or the parent's newest state is not at
     * the asked frame.
     */
    private Optional<Rejection> fork(ModelInput event) {
        String child = event.getSessionId();
        String parent = event.getStart().getFork().getParentSessionId();
        long at = event.getStart().getFork().getAtFrameIndex();
        forget(child);
        ended.remove(child);
        String wanted = event.getStart().getModelId();
        Rejection refused = null;
        if (!wanted.isEmpty() && !wanted.equals(modelId)) {
            refused = new Rejection(DeadLetterReason.UNKNOWN_MODEL, "fork asks for model '" + wanted
                    + "', this worker serves '" + modelId + "'");
        } else if (open.size() >= maxSessions) {
            refused = new Rejection(DeadLetterReason.TOO_MANY_SESSIONS, "this worker holds " + open.size()
                    + " sessions, its most");
        } else if (!open.containsKey(parent)) {
            refused = new Rejection(DeadLetterReason.FORK_REFUSED, "parent " + parent + " is not open in this worker");
        } else if (at != -1 && at != lastStepped.getOrDefault(parent, -1L)) {
            refused = new Rejection(DeadLetterReason.FORK_REFUSED, "fork at frame " + at + " of " + parent
                    + ", whose newest state is after frame " + lastStepped.getOrDefault(parent, -1L)
                    + " (only the newest state is kept)");
        }
        if (refused == null) {
            try {
                stepper.fork(parent, child);
            } catch (UnsupportedOperationException e) {
                refused = new Rejection(DeadLetterReason.FORK_REFUSED, e.getMessage());
            }
        }
        if (refused != null) {
            refusedStarts.put(child, refused);
            return Optional.of(refused);
        }
        refusedStarts.remove(child);
        open.put(child, event.getStart());
        return Optional.empty();
    }

    /** @return whether the session is a stimulus optimiser's (started virtual, or a fork): stepped after live ones */
    boolean isVirtual(String session) {
        SessionStart start = open.get(session);
        return start != null && (start.getIsVirtual() || start.hasFork());
    }

    /** @return whether {@code event} is a start of a session open with the same parameters (it will be ignored) */
    boolean isDuplicateStart(ModelInput event) {
        return event.hasStart() && event.getStart().equals(open.get(event.getSessionId()));
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
        forget(session);
        ended.put(session, why);
    }

    /**
     * Closes every open session whose last record came {@code timeoutNanos} or more before {@code nowNanos}
     * and whose partition {@code caughtUp} says holds nothing unread (a worker behind its input has not seen
     * the frames that wait there). Their state is freed and their later frames are {@code session_ended}.
     */
    List<Idle> closeIdle(long nowNanos, long timeoutNanos, java.util.function.Predicate<TopicPartition> caughtUp) {
        List<Idle> idle = new ArrayList<>();
        for (String session : List.copyOf(open.keySet())) {
            Seen s = seen.get(session);
            if (s != null && nowNanos - s.atNanos >= timeoutNanos && caughtUp.test(s.source)) {
                idle.add(new Idle(session, s.source, s.offset, nowNanos - s.atNanos));
            }
        }
        for (Idle i : idle) {
            end(i.session(), "no frame for " + i.idleNanos() / 1_000_000 + " ms, closed as idle");
        }
        return idle;
    }

    /**
     * Lets go of the sessions whose records arrive on {@code partitions}: they were revoked (another worker
     * serves them now) or lost. Their state is freed; nothing of them is remembered.
     *
     * @return the sessions let go
     */
    List<String> release(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = Set.copyOf(partitions);
        List<String> released = new ArrayList<>();
        seen.forEach((session, s) -> {
            if (gone.contains(s.source)) {
                released.add(session);
            }
        });
        for (String session : released) {
            forget(session);
            refusedStarts.remove(session);
            ended.remove(session);
        }
        return released;
    }

    private void forget(String session) {
        stepper.close(session);
        open.remove(session);
        refusedStarts.remove(session);
        ended.remove(session);
        lastStepped.remove(session);
        seen.remove(session);
    }

    int openSessions() {
        return open.size();
    }

    /** @return starts ignored because their session was already open with the same parameters */
    long duplicateStarts() {
        return duplicateStarts;
    }
}
