package io.twinloop.simulator.rig;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * The simulator's sense of time. Real time sleeps until each deadline; the virtual clock jumps to
 * it at once ("as fast as possible") while the schedule, and so every rig timestamp, stays the same.
 */
public interface RigClock {
    /** Monotonic nanoseconds; only differences matter. */
    long nanoTime();

    /** Returns at (or just after) {@code deadlineNanos} on this clock; at once if it has passed. */
    void sleepUntil(long deadlineNanos) throws InterruptedException;

    /** Wall-clock microseconds since the Unix epoch (for published_at_us): always real time. */
    default long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    static RigClock realTime() {
        return new RigClock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepUntil(long deadlineNanos) throws InterruptedException {
                for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            }
        };
    }

    /** A clock that never waits: time is wherever the schedule last jumped to. */
    static RigClock virtual() {
        return new RigClock() {
            private long now;

            @Override
            public long nanoTime() {
                return now;
            }

            @Override
            public void sleepUntil(long deadlineNanos) {
                now = Math.max(now, deadlineNanos);
            }
        };
    }
}
