package io.twinloop.stream.session;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames and telemetry of a session whose start has not been processed yet, kept in arrival order.
 * Control travels on its own topic, so a rig that sends its first frames right after the start can
 * have them processed first; they wait here (bounded in count and time) instead of being lost.
 *
 * <p>Stored as bytes in a changelogged store: a crash while records wait does not lose them.
 */
public final class EarlyRecords {

    /** What an early record is, so that it can be decoded again on release. */
    public enum Kind { FRAME, TELEMETRY }

    /**
     * @param kind          frame or telemetry
     * @param timestamp     the Kafka record timestamp
     * @param arrivedAtMs   wall clock when it arrived here
     * @param raw           the original value
     */
    public record Early(Kind kind, long timestamp, long arrivedAtMs, byte[] raw) {
    }

    private EarlyRecords() {
    }

    public static byte[] append(byte[] encoded, Early record) {
        int old = encoded == null ? 0 : encoded.length;
        ByteBuffer out = ByteBuffer.allocate(old + 1 + 8 + 8 + 4 + record.raw().length);
        if (encoded != null) {
            out.put(encoded);
        }
        out.put((byte) record.kind().ordinal()).putLong(record.timestamp()).putLong(record.arrivedAtMs())
                .putInt(record.raw().length).put(record.raw());
        return out.array();
    }

    public static List<Early> decode(byte[] encoded) {
        List<Early> out = new ArrayList<>();
        if (encoded == null) {
            return out;
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        while (in.hasRemaining()) {
            Kind kind = Kind.values()[in.get()];
            long timestamp = in.getLong();
            long arrived = in.getLong();
            byte[] raw = new byte[in.getInt()];
            in.get(raw);
            out.add(new Early(kind, timestamp, arrived, raw));
        }
        return out;
    }
}
