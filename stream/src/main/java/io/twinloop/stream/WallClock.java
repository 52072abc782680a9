package io.twinloop.stream;

import java.time.Instant;

/** Real wall-clock time in Unix-epoch microseconds, for the latency fields of the wire messages. */
public final class WallClock {
    private WallClock() {
    }

    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
