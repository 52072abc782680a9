package io.twinloop.stream.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinloop.proto.v1.EyeSample;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.Standardisation;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.proto.v1.TreadmillSample;
import org.junit.jupiter.api.Test;

class TelemetryAlignerTest {
    static final SessionStart SESSION = SessionStart.newBuilder()
            .setPupilX(stats(100, 10)).setPupilY(stats(50, 5)).setPupilRadius(stats(20, 2))
            .setTreadmillVelocity(stats(3, 4)).build();

    private final TelemetryAligner aligner = new TelemetryAligner(SESSION);

    @Test
    void interpolatesEachSignalBetweenItsOwnBracketAndStandardises() {
        TelemetryBuffers buffers = new TelemetryBuffers();
        buffers.add(eye(0, 110, 40, 22));
        buffers.add(eye(50_000, 130, 60, 18));
        buffers.add(treadmill(30_000, 1));
        buffers.add(treadmill(40_000, 11));

        AlignedBehaviour b = aligner.align(33_333, buffers, false).orElseThrow();

        double eyeWeight = 33_333.0 / 50_000;
        double treadmillWeight = 3_333.0 / 10_000;
        assertEquals((110 + eyeWeight * 20 - 100) / 10, b.pupilX(), 1e-6);
        assertEquals((40 + eyeWeight * 20 - 50) / 5, b.pupilY(), 1e-6);
        assertEquals((22 - eyeWeight * 4 - 20) / 2, b.pupilRadius(), 1e-6);
        assertEquals((1 + treadmillWeight * 10 - 3) / 4, b.treadmillVelocity(), 1e-6);
        assertFalse(b.held());
    }

    @Test
    void waitsUntilBothSignalsReachTheFrameTime() {
        TelemetryBuffers buffers = new TelemetryBuffers();
        buffers.add(eye(0, 100, 50, 20));
        buffers.add(treadmill(40_000, 3));
        assertTrue(aligner.align(33_333, buffers, false).isEmpty(), "eye has nothing at or after the frame");
        buffers.add(eye(50_000, 100, 50, 20));
        assertTrue(aligner.align(33_333, buffers, false).isPresent());
    }

    @Test
    void expiredWaitHoldsTheLastValueAndSaysSo() {
        TelemetryBuffers buffers = new TelemetryBuffers();
        buffers.add(eye(0, 120, 50, 20));
        buffers.add(treadmill(10_000, 7));
        buffers.add(treadmill(40_000, 11));

        AlignedBehaviour b = aligner.align(33_333, buffers, true).orElseThrow();

        assertEquals((120 - 100) / 10f, b.pupilX(), 1e-6);
        assertEquals((7 + (23_333.0 / 30_000) * 4 - 3) / 4, b.treadmillVelocity(), 1e-6, "treadmill is bracketed");
        assertTrue(b.held(), "eye was held");
    }

    @Test
    void signalWithoutAnySampleReadsAsItsMean() {
        TelemetryBuffers buffers = new TelemetryBuffers();
        buffers.add(treadmill(30_000, 7));
        buffers.add(treadmill(40_000, 7));

        AlignedBehaviour b = aligner.align(33_333, buffers, true).orElseThrow();

        assertEquals(0f, b.pupilX());
        assertEquals(0f, b.pupilY());
        assertEquals(0f, b.pupilRadius());
        assertEquals(1f, b.treadmillVelocity(), 1e-6);
        assertTrue(b.held());
    }

    @Test
    void releasingAFramePrunesSamplesNoLaterFrameNeeds() {
        TelemetryBuffers buffers = new TelemetryBuffers();
        for (int t = 0; t <= 100_000; t += 10_000) {
            buffers.add(treadmill(t, t));
        }
        buffers.released(33_333);
        assertEquals(30_000, buffers.treadmill().samples().get(0).timestampUs());
        TelemetryBuffers restored = TelemetryBuffers.fromBytes(buffers.toBytes());
        assertEquals(buffers.treadmill().samples().size(), restored.treadmill().samples().size());
        assertEquals(0.0, restored.treadmill().at(35_000).values()[0] - 35_000, 1e-9);
    }

    static Standardisation stats(float mean, float std) {
        return Standardisation.newBuilder().setMean(mean).setStd(std).build();
    }

    static Telemetry eye(long t, float x, float y, float r) {
        return Telemetry.newBuilder().setEye(EyeSample.newBuilder().setTimestampUs(t).setPupilX(x).setPupilY(y)
                .setPupilRadius(r)).build();
    }

    static Telemetry treadmill(long t, float v) {
        return Telemetry.newBuilder().setTreadmill(TreadmillSample.newBuilder().setTimestampUs(t).setVelocity(v)).build();
    }
}
