package io.twinloop.stream.session;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Frames and telemetry of a session whose start has not been processed yet, kept in arrival order.
 * Control travels on its own topic, so a rig that sends its first frames right after the start can
 * have them processed first; they wait here (bounded in count, bytes and time) instead of being lost.
 *
 * <p>Kept in two changelogged stores, so that a crash while records wait does not lose them: one entry
 * <em>per record</em> (key {@link #key}: the session id and the record's sequence number), and per session a
 * {@link Held} summary (how many, how many bytes, when the first arrived). Each changelog record is then one
 * frame, never the whole backlog: a backlog of 40 frames of 144 x 256 as one value passed Kafka's 1 MiB record
 * limit and was lost.
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

    /**
     * What waits for one session.
     *
     * @param count          records held, with sequence numbers 0 .. count - 1
     * @param bytes          their original values' bytes together
     * @param firstArrivedMs wall clock when the first arrived
     */
    public record Held(int count, long bytes, long firstArrivedMs) {
        public static final Held NONE = new Held(0, 0, 0);

        /** @return this with one more record of {@code bytes} bytes that arrived at {@code arrivedAtMs} */
        public Held plus(long recordBytes, long arrivedAtMs) {
            return new Held(count + 1, bytes + recordBytes, count == 0 ? arrivedAtMs : firstArrivedMs);
        }

        public byte[] encode() {
            return ByteBuffer.allocate(4 + 8 + 8).putInt(count).putLong(bytes).putLong(firstArrivedMs).array();
        }

        public static Held decode(byte[] encoded) {
            if (encoded == null) {
                return NONE;
            }
            ByteBuffer in = ByteBuffer.wrap(encoded);
            return new Held(in.getInt(), in.getLong(), in.getLong());
        }
    }

    private EarlyRecords() {
    }

    /**
     * The store key of a session's record number {@code sequence}: the session id, a newline and 8 hex digits.
     * The suffix has a fixed length, so no two (session, sequence) pairs share a key.
     */
    public static String key(String sessionId, int sequence) {
        return sessionId + "\n" + HexFormat.of().toHexDigits(sequence);
    }

    public static byte[] encode(Early record) {
        return ByteBuffer.allocate(1 + 8 + 8 + record.raw().length)
                .put((byte) record.kind().ordinal()).putLong(record.timestamp()).putLong(record.arrivedAtMs())
                .put(record.raw()).array();
    }

    public static Early decode(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        Kind kind = Kind.values()[in.get()];
        long timestamp = in.getLong();
        long arrived = in.getLong();
        byte[] raw = new byte[in.remaining()];
        in.get(raw);
        return new Early(kind, timestamp, arrived, raw);
    }
}
