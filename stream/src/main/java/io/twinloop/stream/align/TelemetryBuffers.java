package io.twinloop.stream.align;

import io.twinloop.proto.v1.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One session's behaviour samples (eye and treadmill), the rig time of its last released frame
 * (which bounds what the buffers must keep) and the session's own stream time: the newest Kafka
 * record timestamp of its frames and telemetry. Stored per session so that a restart resumes.
 */
public final class TelemetryBuffers {
    /**
     * 2.5 s of treadmill at 100 Hz (12 s of eye at 20 Hz) when no frame comes to prune them, e.g.
     * before a session's first frame. Streams processes a task's partitions in timestamp order, so
     * telemetry does not run further ahead of the frames than the rig's own clocks do.
     */
    static final int CAPACITY = 256;
    private static final byte VERSION = 1;

    private final SampleBuffer eye = new SampleBuffer(3, CAPACITY);
    private final SampleBuffer treadmill = new SampleBuffer(1, CAPACITY);
    private long releasedUpToUs = Long.MIN_VALUE;
    private long streamTimeMs = Long.MIN_VALUE;

    public SampleBuffer eye() {
        return eye;
    }

    public SampleBuffer treadmill() {
        return treadmill;
    }

    /** Moves the session's stream time to a record's Kafka timestamp, if newer. */
    public void observe(long recordTimestampMs) {
        streamTimeMs = Math.max(streamTimeMs, recordTimestampMs);
    }

    /**
     * Newest record timestamp of the session. Per session, not per task: a rig whose clock runs
     * ahead must not cut short the waits of other rigs' sessions in the same partition.
     */
    public long streamTimeMs() {
        return streamTimeMs;
    }

    public void add(Telemetry telemetry) {
        switch (telemetry.getSampleCase()) {
            case EYE -> eye.add(telemetry.getEye().getTimestampUs(), telemetry.getEye().getPupilX(),
                    telemetry.getEye().getPupilY(), telemetry.getEye().getPupilRadius());
            case TREADMILL -> treadmill.add(telemetry.getTreadmill().getTimestampUs(),
                    telemetry.getTreadmill().getVelocity());
            default -> throw new IllegalArgumentException("telemetry without sample");
        }
    }

    /** Records that a frame at {@code frameTimeUs} went out and drops samples no later frame needs. */
    public void released(long frameTimeUs) {
        releasedUpToUs = Math.max(releasedUpToUs, frameTimeUs);
        eye.pruneBefore(releasedUpToUs);
        treadmill.pruneBefore(releasedUpToUs);
    }

    public static Serde<TelemetryBuffers> serde() {
        Serializer<TelemetryBuffers> serializer = (topic, buffers) -> buffers == null ? null : buffers.toBytes();
        Deserializer<TelemetryBuffers> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    byte[] toBytes() {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(releasedUpToUs);
            out.writeLong(streamTimeMs);
            eye.writeTo(out);
            treadmill.writeTo(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TelemetryBuffers fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("telemetry buffers version " + version + ", expected " + VERSION);
            }
            TelemetryBuffers buffers = new TelemetryBuffers();
            buffers.releasedUpToUs = in.readLong();
            buffers.streamTimeMs = in.readLong();
            buffers.eye.readFrom(in);
            buffers.treadmill.readFrom(in);
            return buffers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
