package io.twinloop.stream.session;

import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.stream.deadletter.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the stream remembers about a running session: its start (statistics, model, frame size),
 * which frame indices it accepted, and whether a stop is waiting for the last frames.
 *
 * <p>Accepted indices only grow. Indices skipped on the way (a frame that never came, or came late)
 * are remembered as gaps so that a late frame reads {@code out_of_order_frame} and a second copy of
 * an accepted one reads {@code duplicate_frame}. Only the latest {@value #MAX_GAPS} gaps are kept:
 * older late frames are still rejected, but may be called duplicates.
 *
 * @param lastAccepted highest accepted frame index, -1 before the first frame
 * @param gaps skipped index ranges below {@code lastAccepted}, oldest first
 * @param stopIndex the stop's last_frame_index, or {@link #NO_STOP}
 * @param stopRequestedAtMs wall-clock millis when the stop arrived (0 without stop)
 */
public record SessionState(SessionStart start, long lastAccepted, List<Gap> gaps, long stopIndex,
                           long stopRequestedAtMs) {
    public static final long NO_STOP = Long.MIN_VALUE;
    static final int MAX_GAPS = 64;

    /** Frame indices {@code from..to} (inclusive) that were skipped. */
    public record Gap(long from, long to) {
        boolean contains(long index) {
            return index >= from && index <= to;
        }
    }

    public SessionState {
        gaps = List.copyOf(gaps);
    }

    public static SessionState started(SessionStart start) {
        return new SessionState(start, -1, List.of(), NO_STOP, 0);
    }

    public boolean stopRequested() {
        return stopIndex != NO_STOP;
    }

    /** True once a stop was requested and every frame up to its last index was accepted. */
    public boolean complete() {
        return stopRequested() && lastAccepted >= stopIndex;
    }

    /** Why a frame with this index cannot be accepted, if it cannot. */
    public Optional<Rejection> admit(long index) {
        if (stopRequested() && index > stopIndex) {
            return Optional.of(Rejection.of(DeadLetterReason.UNKNOWN_SESSION,
                    "frame " + index + " after the session's stop at last frame " + stopIndex));
        }
        if (index == lastAccepted) {
            return Optional.of(Rejection.of(DeadLetterReason.DUPLICATE_FRAME,
                    "frame " + index + " was already accepted"));
        }
        if (index < lastAccepted) {
            boolean neverAccepted = gaps.stream().anyMatch(g -> g.contains(index));
            return Optional.of(neverAccepted
                    ? Rejection.of(DeadLetterReason.OUT_OF_ORDER_FRAME,
                            "frame " + index + " arrived after frame " + lastAccepted + " was accepted")
                    : Rejection.of(DeadLetterReason.DUPLICATE_FRAME, "frame " + index + " was already accepted"));
        }
        return Optional.empty();
    }

    /** The state after accepting frame {@code index}; the caller checked {@link #admit} first. */
    public SessionState accept(long index) {
        List<Gap> newGaps = gaps;
        if (index > lastAccepted + 1) {
            List<Gap> grown = new ArrayList<>(gaps);
            grown.add(new Gap(lastAccepted + 1, index - 1));
            newGaps = grown.size() > MAX_GAPS ? grown.subList(grown.size() - MAX_GAPS, grown.size()) : grown;
        }
        return new SessionState(start, index, newGaps, stopIndex, stopRequestedAtMs);
    }

    public SessionState stop(long lastFrameIndex, long wallClockMs) {
        return new SessionState(start, lastAccepted, gaps, lastFrameIndex, wallClockMs);
    }
}
