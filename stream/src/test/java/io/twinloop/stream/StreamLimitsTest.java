package io.twinloop.stream;

import static io.twinloop.stream.StreamHarness.frameIndices;
import static io.twinloop.stream.StreamHarness.frameOf;
import static io.twinloop.stream.StreamHarness.reasons;
import static io.twinloop.stream.StreamHarness.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.twinloop.proto.Limits;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.StimulusFrame;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream refuses, before the worker, every record beyond {@link Limits}, each with its reason. */
class StreamLimitsTest {
    @TempDir
    Path stateDir;
    private StreamHarness rig;

    @BeforeEach
    void open() {
        rig = new StreamHarness(StreamConfig.DEFAULT_MAX_WAIT, stateDir);
    }

    @AfterEach
    void close() {
        rig.close();
    }

    private static StimulusFrame gray8(String session, long index, int height, int width) {
        return frameOf(session, index, 0).toBuilder().setHeight(height).setWidth(width)
                .setPixels(ByteString.copyFrom(new byte[height * width])).build();
    }

    @Test
    void framesBelowTheModelsMinimumOrBeyondTheLargestAreRefused() {
        rig.startVirtual("v");
        rig.frame(gray8("v", 0, 1, 1));
        rig.frame(gray8("v", 0, 5, 1));     // N x 1: the sampler divides by W - 1
        rig.frame(gray8("v", 0, 1, 5));
        rig.frame(gray8("v", 0, Limits.MAX_FRAME_HEIGHT + 1, 2));
        rig.frame(gray8("v", 0, 2, Limits.MAX_FRAME_WIDTH + 1));
        // within rows and columns, beyond the bytes: 1000 x 1001 GRAY8; and 600 x 600 float32 (1.44 MB)
        rig.frame(gray8("v", 0, 1000, 1001));
        rig.frame(frameOf("v", 0, 0).toBuilder().setHeight(600).setWidth(600).setPixelFormat(PixelFormat.GRAY_F32)
                .setPixels(ByteString.copyFrom(new byte[4 * 600 * 600])).build());
        rig.frame("v", 0, 0);
        assertEquals(List.of(0L), frameIndices(rig.aligned()));
        List<DeadLetter> letters = rig.deadLetters();
        assertEquals(List.of("frame_too_small", "frame_too_small", "frame_too_small", "frame_too_large",
                "frame_too_large", "frame_too_large", "frame_too_large"), reasons(letters));
        assertTrue(letters.get(0).getDetail().contains("at least 2x2"), letters.get(0).getDetail());
    }

    @Test
    void theLargestFrameALimitAllowsGoesThrough() {
        int height = 1000;
        int width = Limits.MAX_FRAME_BYTES / height;
        rig.start("big", StreamHarness.RIG.toBuilder().setIsVirtual(true).setHeight(height).setWidth(width)
                .build());
        rig.frame(gray8("big", 0, height, width));
        List<ModelInput> out = rig.aligned();
        assertEquals(List.of(0L), frameIndices(out));
        assertEquals(Limits.MAX_FRAME_BYTES, out.get(1).getFrame().getFrame().getPixels().size());
        assertTrue(rig.deadLetters().isEmpty());
    }

    @Test
    void startsBeyondTheLimitsAreRefused() {
        SessionStart rig0 = StreamHarness.RIG;
        rig.start("a", rig0.toBuilder().setWidth(1).build());
        rig.start("b", rig0.toBuilder().setHeight(Limits.MAX_FRAME_HEIGHT + 1).build());
        rig.start("c", rig0.toBuilder().setModelId("m".repeat(Limits.MAX_ID_BYTES + 1)).build());
        rig.start("d", rig0.toBuilder().setMouseId("é".repeat(Limits.MAX_ID_BYTES / 2 + 1)).build()); // 2 bytes each
        rig.start("e", rig0.toBuilder().setPupilX(stats(100, 1e-45f)).build());
        rig.start("f", rig0.toBuilder().setPupilY(stats(50, Limits.MIN_STD / 2)).build());
        rig.start("g", rig0.toBuilder().setTreadmillVelocity(stats(Float.NaN, 1)).build());
        rig.start("h", rig0.toBuilder().setPupilRadius(stats(Float.POSITIVE_INFINITY, 1)).build());
        rig.start("i", rig0.toBuilder().setPupilRadius(stats(20, Float.POSITIVE_INFINITY)).build());
        rig.start("j", rig0.toBuilder().setPupilRadius(stats(2 * Limits.MAX_ABS_BEHAVIOUR, 1)).build());
        rig.start("k", rig0.toBuilder().setFrameRateHz(Float.NaN).build());
        rig.start("ok", rig0.toBuilder().setPupilX(stats(100, Limits.MIN_STD)).build());
        assertEquals(List.of("frame_too_small", "frame_too_large", "id_too_long", "id_too_long",
                "invalid_control", "invalid_control", "invalid_control", "invalid_control", "invalid_control",
                "invalid_control", "invalid_control"), reasons(rig.deadLetters()));
        List<ModelInput> out = rig.aligned();
        assertEquals(1, out.size());
        assertEquals("ok", out.get(0).getSessionId());
    }

    @Test
    void sessionIdsAndKeysBeyondTheLimitAreRefused() {
        String longId = "s".repeat(Limits.MAX_ID_BYTES + 1);
        String fits = "s".repeat(Limits.MAX_ID_BYTES);
        rig.start(longId);
        rig.rawFrame(longId, frameOf("", 0, 0).toByteArray());
        rig.start(fits);
        assertEquals(List.of("id_too_long", "id_too_long"), reasons(rig.deadLetters()));
        assertEquals(fits, rig.aligned().get(0).getSessionId());
    }

    @Test
    void telemetryWithNegativeTimesOrValuesBeyondTheLimitIsDroppedAndFramesStayFinite() {
        rig.start("s1", StreamHarness.RIG.toBuilder().setPupilX(stats(0, Limits.MIN_STD)).build());
        rig.eye("s1", -1, 100, 50, 20);
        rig.eye("s1", 0, 2 * Limits.MAX_ABS_BEHAVIOUR, 50, 20);
        rig.treadmill("s1", 0, -Float.MAX_VALUE);
        rig.treadmill("s1", 0, Float.NaN);
        rig.eye("s1", 0, Limits.MAX_ABS_BEHAVIOUR, 50, 20);
        rig.eye("s1", 100_000, -Limits.MAX_ABS_BEHAVIOUR, 50, 20);
        rig.treadmill("s1", 0, 3);
        rig.treadmill("s1", 100_000, 3);
        rig.frame("s1", 0, 25_000);
        rig.frame(frameOf("s1", 1, -5));
        assertEquals(List.of("telemetry_out_of_range", "telemetry_out_of_range", "telemetry_out_of_range",
                "non_finite_telemetry", "invalid_frame"), reasons(rig.deadLetters()));
        List<ModelInput> out = rig.aligned();
        assertEquals(List.of(0L), frameIndices(out));
        // the largest raw values over the smallest std: 5e11 at the frame's time, finite
        float x = out.get(1).getFrame().getPupilX();
        assertTrue(Float.isFinite(x), "standardised pupil x " + x);
        assertEquals(0.5e6 / Limits.MIN_STD, x, 1e-3 * Math.abs(x));
    }

    @Test
    void nonFiniteFloatPixelsAreRefused() {
        rig.startVirtual("v");
        ByteBuffer pixels = ByteBuffer.allocate(4 * StreamHarness.WIDTH * StreamHarness.HEIGHT)
                .order(ByteOrder.LITTLE_ENDIAN);
        pixels.putFloat(12, Float.POSITIVE_INFINITY);
        rig.frame(frameOf("v", 0, 0).toBuilder().setPixelFormat(PixelFormat.GRAY_F32)
                .setPixels(ByteString.copyFrom(pixels.array())).build());
        assertEquals(List.of("invalid_frame"), reasons(rig.deadLetters()));
    }
}
