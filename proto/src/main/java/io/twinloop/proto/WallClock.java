package io.twinloop.proto;

import java.time.Instant;

/** Real wall-clock time in Unix-epoch microseconds: the clock of every {@code *_at_us} latency field of the wire messages. */
public final class WallClock {
    private WallClock() {
    }

    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
