package io.twinloop.stream.align;

import com.google.protobuf.InvalidProtocolBufferException;
import io.twinloop.proto.v1.StimulusFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Frames accepted but not yet released, kept in a state store so that a crash or rebalance does
 * not lose a frame that was consumed (and whose offset may be committed) while it waited.
 *
 * <p>Keys are {@code [session id length][session id UTF-8][frame index, big-endian]}: the store
 * iterates byte-wise, so one session's frames come out together and in index order.
 */
public final class PendingFrames {
    /** Name of the backing store. */
    public static final String STORE = "twinloop-pending-frames";

    /**
     * A waiting frame: its header fields, and its stored bytes, parsed only when it is released
     * (the wait check looks at every waiting frame every few milliseconds).
     */
    public static final class Pending {
        private static final int HEADER = 4 * Long.BYTES;
        private final byte[] stored;

        private Pending(byte[] stored) {
            this.stored = stored;
        }

        /**
         * @param arrivedAtMs wall-clock millis when it reached the aligner (starts its wait)
         * @param recordTimestampMs its Kafka record timestamp (the wait in stream time)
         * @param frame the {@code StimulusFrame} bytes as received
         */
        public static Pending of(StimulusFrame header, long arrivedAtMs, long recordTimestampMs, byte[] frame) {
            return new Pending(ByteBuffer.allocate(HEADER + frame.length).putLong(header.getFrameIndex())
                    .putLong(header.getTimestampUs()).putLong(arrivedAtMs).putLong(recordTimestampMs).put(frame)
                    .array());
        }

        public long frameIndex() {
            return ByteBuffer.wrap(stored).getLong(0);
        }

        /** Rig time of the frame, microseconds. */
        public long timestampUs() {
            return ByteBuffer.wrap(stored).getLong(Long.BYTES);
        }

        public long arrivedAtMs() {
            return ByteBuffer.wrap(stored).getLong(2 * Long.BYTES);
        }

        public long recordTimestampMs() {
            return ByteBuffer.wrap(stored).getLong(3 * Long.BYTES);
        }

        public StimulusFrame frame() {
            try {
                return StimulusFrame.parseFrom(ByteBuffer.wrap(stored, HEADER, stored.length - HEADER));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("stored frame no longer parses", e);
            }
        }
    }

    private final KeyValueStore<Bytes, byte[]> store;

    public PendingFrames(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public void add(String sessionId, Pending pending) {
        store.put(key(sessionId, pending.frameIndex()), pending.stored);
    }

    /** The session's waiting frames, lowest index first. */
    public List<Pending> of(String sessionId) {
        List<Pending> frames = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> range = store.range(key(sessionId, 0), key(sessionId, Long.MAX_VALUE))) {
            range.forEachRemaining(kv -> frames.add(new Pending(kv.value)));
        }
        return frames;
    }

    public void remove(String sessionId, long frameIndex) {
        store.delete(key(sessionId, frameIndex));
    }

    /** Sessions that have frames waiting. */
    public Set<String> sessions() {
        Set<String> sessions = new LinkedHashSet<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            all.forEachRemaining(kv -> sessions.add(sessionOf(kv.key)));
        }
        return sessions;
    }

    static Bytes key(String sessionId, long frameIndex) {
        byte[] session = sessionId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Integer.BYTES + session.length + Long.BYTES)
                .putInt(session.length).put(session).putLong(frameIndex).array());
    }

    static String sessionOf(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        int length = buffer.getInt();
        return new String(key.get(), Integer.BYTES, length, StandardCharsets.UTF_8);
    }
}
