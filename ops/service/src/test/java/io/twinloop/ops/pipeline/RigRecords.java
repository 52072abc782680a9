package io.twinloop.ops.pipeline;

import com.google.protobuf.ByteString;
import io.twinloop.proto.Topics;
import io.twinloop.proto.WallClock;
import io.twinloop.proto.v1.EyeSample;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.SessionStop;
import io.twinloop.proto.v1.Standardisation;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.proto.v1.TreadmillSample;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.Random;

/** Builds the records a rig publishes, for the pipeline tests. Frames are 30 Hz: frame i at i * 33_333 µs. */
final class RigRecords {

    static final int WIDTH = 64;
    static final int HEIGHT = 36;
    static final long FRAME_US = 33_333;

    private RigRecords() {
    }

    static ProducerRecord<String, byte[]> start(String session, String modelId) {
        Standardisation unit = Standardisation.newBuilder().setMean(0).setStd(1).build();
        SessionControl control = SessionControl.newBuilder().setSessionId(session).setTimestampUs(0)
                .setStart(SessionStart.newBuilder().setMouseId("mouse-" + session).setModelId(modelId)
                        .setFrameRateHz(30).setWidth(WIDTH).setHeight(HEIGHT)
                        .setPupilX(unit).setPupilY(unit).setPupilRadius(unit).setTreadmillVelocity(unit))
                .build();
        return new ProducerRecord<>(Topics.CONTROL, session, control.toByteArray());
    }

    static ProducerRecord<String, byte[]> stop(String session, long lastFrame) {
        SessionControl control = SessionControl.newBuilder().setSessionId(session)
                .setTimestampUs((lastFrame + 1) * FRAME_US)
                .setStop(SessionStop.newBuilder().setLastFrameIndex(lastFrame)).build();
        return new ProducerRecord<>(Topics.CONTROL, session, control.toByteArray());
    }

    /** A frame of seeded random pixels; {@code width} lets a test send a wrong size. */
    static ProducerRecord<String, byte[]> frame(String session, long index, int width, long seed) {
        byte[] pixels = new byte[width * HEIGHT];
        new Random(seed * 7919 + index).nextBytes(pixels);
        StimulusFrame frame = StimulusFrame.newBuilder().setSessionId(session).setFrameIndex(index)
                .setTimestampUs(index * FRAME_US).setWidth(width).setHeight(HEIGHT)
                .setPixelFormat(PixelFormat.GRAY8).setPixels(ByteString.copyFrom(pixels))
                .setPublishedAtUs(WallClock.nowMicros()).build();
        return new ProducerRecord<>(Topics.FRAMES, session, frame.toByteArray());
    }

    static ProducerRecord<String, byte[]> eye(String session, long timestampUs, float x, float y, float radius) {
        Telemetry t = Telemetry.newBuilder().setEye(EyeSample.newBuilder().setSessionId(session)
                .setTimestampUs(timestampUs).setPupilX(x).setPupilY(y).setPupilRadius(radius)).build();
        return new ProducerRecord<>(Topics.TELEMETRY, session, t.toByteArray());
    }

    static ProducerRecord<String, byte[]> treadmill(String session, long timestampUs, float velocity) {
        Telemetry t = Telemetry.newBuilder().setTreadmill(TreadmillSample.newBuilder().setSessionId(session)
                .setTimestampUs(timestampUs).setVelocity(velocity)).build();
        return new ProducerRecord<>(Topics.TELEMETRY, session, t.toByteArray());
    }

}
