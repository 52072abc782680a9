package io.twinloop.stream;

import io.twinloop.proto.WallClock;
import io.twinloop.stream.session.SessionGate;

import static io.twinloop.stream.StreamHarness.frameIndices;
import static io.twinloop.stream.StreamHarness.frameOf;
import static io.twinloop.stream.StreamHarness.reasons;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.AlignedFrame;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.StimulusFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinloopTopologyTest {
    private static final float EPS = 1e-5f;

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

    /** Eye and treadmill samples far after every frame of a test: frames never wait. */
    private void telemetryAhead(String session) {
        rig.eye(session, 0, 100, 50, 20);
        rig.eye(session, 10_000_000, 100, 50, 20);
        rig.treadmill(session, 0, 3);
        rig.treadmill(session, 10_000_000, 3);
    }

    @Test
    void sessionComesOutAsStartFramesInOrderAndStop() {
        rig.start("s1");
        telemetryAhead("s1");
        for (int i = 0; i < 3; i++) {
            rig.frame("s1", i, 33_333L * i);
        }
        rig.stop("s1", 2);

        List<ModelInput> out = rig.aligned();
        assertEquals(5, out.size());
        assertTrue(out.get(0).hasStart());
        assertEquals("model-a", out.get(0).getStart().getModelId());
        assertEquals(List.of(0L, 1L, 2L), frameIndices(out));
        assertTrue(out.get(4).hasStop());
        assertEquals(2, out.get(4).getStop().getLastFrameIndex());
        AlignedFrame frame = out.get(2).getFrame();
        assertEquals("model-a", frame.getModelId());
        assertEquals(frameOf("s1", 1, 33_333), frame.getFrame(), "the frame travels unchanged");
        assertTrue(frame.getAlignedAtUs() > 1_600_000_000_000_000L, "wall-clock micros");
        assertTrue(rig.deadLetters().isEmpty());
    }

    @Test
    void behaviourIsInterpolatedAtTheFrameTimeAndStandardised() {
        rig.start("s1");
        rig.eye("s1", 0, 110, 40, 22);
        rig.eye("s1", 50_000, 130, 60, 18);
        rig.treadmill("s1", 30_000, 1);
        rig.treadmill("s1", 40_000, 11);
        rig.frame("s1", 0, 33_333);

        AlignedFrame frame = rig.aligned().get(1).getFrame();
        double eyeWeight = 33_333.0 / 50_000;
        double treadmillWeight = (33_333.0 - 30_000) / 10_000;
        assertEquals((110 + eyeWeight * (130 - 110) - 100) / 10, frame.getPupilX(), EPS);
        assertEquals((40 + eyeWeight * (60 - 40) - 50) / 5, frame.getPupilY(), EPS);
        assertEquals((22 + eyeWeight * (18 - 22) - 20) / 2, frame.getPupilRadius(), EPS);
        assertEquals((1 + treadmillWeight * (11 - 1) - 3) / 4, frame.getTreadmillVelocity(), EPS);
        assertFalse(frame.getTelemetryHeld());
    }

    @Test
    void frameWaitsUntilBothKindsOfTelemetryReachItsTime() {
        rig.start("s1");
        rig.eye("s1", 0, 100, 50, 20);
        rig.treadmill("s1", 0, 3);
        rig.aligned();
        rig.frame("s1", 0, 33_333);
        rig.advanceWallClock(Duration.ofMillis(20));
        assertTrue(rig.aligned().isEmpty(), "no telemetry after the frame yet");
        rig.eye("s1", 50_000, 110, 50, 20);
        assertTrue(rig.aligned().isEmpty(), "treadmill still behind the frame");
        rig.treadmill("s1", 40_000, 3);

        List<ModelInput> out = rig.aligned();
        assertEquals(List.of(0L), frameIndices(out));
        assertFalse(out.get(0).getFrame().getTelemetryHeld());
        assertEquals((100 + 33_333.0 / 50_000 * 10 - 100) / 10, out.get(0).getFrame().getPupilX(), EPS);
    }

    @Test
    void afterTheWaitTheLastValuesAreHeldAndMarked() {
        rig.start("s1");
        rig.eye("s1", 0, 120, 55, 21);
        rig.treadmill("s1", 0, 7);
        rig.treadmill("s1", 10_000, 9);
        rig.aligned();
        rig.frame("s1", 0, 33_333);
        rig.advanceWallClock(Duration.ofMillis(49));
        assertTrue(rig.aligned().isEmpty(), "still inside the 50 ms wait");
        rig.advanceWallClock(Duration.ofMillis(1));

        AlignedFrame frame = rig.aligned().get(0).getFrame();
        assertTrue(frame.getTelemetryHeld());
        assertEquals((120 - 100) / 10f, frame.getPupilX(), EPS);
        assertEquals((55 - 50) / 5f, frame.getPupilY(), EPS);
        assertEquals((21 - 20) / 2f, frame.getPupilRadius(), EPS);
        assertEquals((9 - 3) / 4f, frame.getTreadmillVelocity(), EPS);
    }

    @Test
    void withoutAnyTelemetryTheFrameGetsTheMeansAfterTheWait() {
        rig.start("s1");
        rig.frame("s1", 0, 0);
        rig.advanceWallClock(Duration.ofMillis(50));

        AlignedFrame frame = rig.aligned().get(1).getFrame();
        assertTrue(frame.getTelemetryHeld());
        assertEquals(0f, frame.getPupilX());
        assertEquals(0f, frame.getPupilY());
        assertEquals(0f, frame.getPupilRadius());
        assertEquals(0f, frame.getTreadmillVelocity());
    }

    @Test
    void aLaterFrameQueuesBehindAWaitingOne() {
        rig.start("s1");
        rig.eye("s1", 0, 100, 50, 20);
        rig.treadmill("s1", 0, 3);
        rig.aligned();
        rig.frame("s1", 0, 33_333);
        rig.advanceWallClock(Duration.ofMillis(40));
        rig.frame("s1", 1, 66_666);
        rig.advanceWallClock(Duration.ofMillis(10));
        assertEquals(List.of(0L), frameIndices(rig.aligned()), "frame 0 timed out, frame 1 has 40 ms left");
        rig.eye("s1", 70_000, 100, 50, 20);
        rig.treadmill("s1", 70_000, 3);
        List<ModelInput> out = rig.aligned();
        assertEquals(List.of(1L), frameIndices(out));
        assertFalse(out.get(0).getFrame().getTelemetryHeld());
    }

    @Test
    void aReadyFrameNeverOvertakesAnEarlierWaitingOne() {
        rig.start("s1");
        rig.aligned();
        // A rig clock that jumps back: frame 1 is older than frame 0, so its telemetry comes first.
        rig.frame("s1", 0, 100_000);
        rig.frame("s1", 1, 50_000);
        rig.eye("s1", 60_000, 100, 50, 20);
        rig.treadmill("s1", 60_000, 3);
        assertTrue(rig.aligned().isEmpty(), "frame 1 is ready but frame 0 is not");
        rig.eye("s1", 100_000, 100, 50, 20);
        rig.treadmill("s1", 100_000, 3);
        assertEquals(List.of(0L, 1L), frameIndices(rig.aligned()));
    }

    @Test
    void manyWaitingFramesOfSimilarSessionsLeaveInIndexOrder() {
        rig.start("s1");
        rig.start("s10");
        rig.aligned();
        for (long i = 0; i < 300; i++) {
            rig.frame("s1", i, i * 33_333);
            rig.frame("s10", i, i * 33_333);
        }
        assertTrue(rig.aligned().isEmpty(), "no telemetry yet");
        rig.eye("s10", 20_000_000, 100, 50, 20);
        rig.treadmill("s10", 20_000_000, 3);

        List<ModelInput> out = rig.aligned();
        assertEquals(java.util.stream.LongStream.range(0, 300).boxed().toList(), frameIndices(out));
        assertTrue(out.stream().allMatch(i -> i.getSessionId().equals("s10")));
        rig.advanceWallClock(Duration.ofMillis(50));
        assertEquals(java.util.stream.LongStream.range(0, 300).boxed().toList(), frameIndices(rig.aligned()),
                "s1's frames time out, in order");
    }

    @Test
    void duplicateAndLateFramesAreDeadLetteredWithTheirBytes() {
        rig.start("s1");
        telemetryAhead("s1");
        long[] sent = {0, 1, 1, 3, 2, 0, 4};
        for (long index : sent) {
            rig.frame("s1", index, index * 33_333);
        }

        assertEquals(List.of(0L, 1L, 3L, 4L), frameIndices(rig.aligned()));
        List<DeadLetter> letters = rig.deadLetters();
        assertEquals(List.of("duplicate_frame", "out_of_order_frame", "duplicate_frame"), reasons(letters));
        DeadLetter late = letters.get(1);
        assertEquals(Topics.FRAMES, late.getSourceTopic());
        assertEquals(4, late.getSourceOffset(), "fifth record on the frames topic");
        assertEquals("s1", late.getSessionId());
        assertEquals(frameOf("s1", 2, 2 * 33_333).toByteString(), late.getOriginalValue());
        assertFalse(late.getDetail().isEmpty());
        assertTrue(late.getRejectedAtUs() > 0);
    }

    @Test
    void garbageOnEveryInputIsUndecodable() {
        rig.start("s1");
        telemetryAhead("s1");
        byte[] garbage = "this is not a protobuf \u0000\u00ff".getBytes(StandardCharsets.UTF_8);
        rig.frame("s1", 0, 0);
        rig.rawFrame("s1", garbage);
        rig.rawFrame("s1", new byte[0]);
        rig.rawTelemetry("s1", garbage);
        rig.rawControl("s1", garbage);
        rig.rawFrame("s1", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        // Parses, but only as an unknown field 15: nothing a v1 reader understands.
        rig.rawTelemetry("s1", new byte[] {15 << 3, 1});
        rig.frame("s1", 1, 33_333);

        assertEquals(List.of(0L, 1L), frameIndices(rig.aligned()));
        List<DeadLetter> letters = rig.deadLetters();
        assertEquals(List.of("undecodable", "undecodable", "undecodable", "undecodable", "undecodable",
                "undecodable"), reasons(letters));
        assertEquals(ByteString.copyFrom(garbage), letters.get(0).getOriginalValue());
        assertEquals(List.of(Topics.FRAMES, Topics.FRAMES, Topics.TELEMETRY, Topics.CONTROL, Topics.FRAMES,
                Topics.TELEMETRY), letters.stream().map(DeadLetter::getSourceTopic).toList());
        assertTrue(letters.get(5).getDetail().contains("no known field"), letters.get(5).getDetail());
    }

    @Test
    void framesOfTheWrongSizeAreRejected() {
        rig.start("s1");
        telemetryAhead("s1");
        rig.frame("s1", 0, 0);
        rig.frame(frameOf("s1", 1, 33_333).toBuilder().setPixels(ByteString.copyFrom(new byte[7])).build());
        rig.frame(frameOf("s1", 1, 33_333).toBuilder().setWidth(8)
                .setPixels(ByteString.copyFrom(new byte[8 * StreamHarness.HEIGHT])).build());
        rig.frame("s1", 1, 33_333);

        assertEquals(List.of(0L, 1L), frameIndices(rig.aligned()));
        List<DeadLetter> letters = rig.deadLetters();
        assertEquals(List.of("wrong_frame_size", "wrong_frame_size"), reasons(letters));
        assertTrue(letters.get(1).getDetail().contains("declared 4x2"), letters.get(1).getDetail());
    }

    @Test
    void floatFramesMustHaveFinitePixelsAndAValidHeader() {
        rig.startVirtual("v1");
        java.nio.ByteBuffer pixels = java.nio.ByteBuffer.allocate(4 * StreamHarness.WIDTH * StreamHarness.HEIGHT)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < StreamHarness.WIDTH * StreamHarness.HEIGHT; i++) {
            pixels.putFloat(i * 0.1f);
        }
        StimulusFrame good = frameOf("v1", 0, 0).toBuilder().setPixelFormat(io.twinloop.proto.v1.PixelFormat.GRAY_F32)
                .setPixels(ByteString.copyFrom(pixels.array())).build();
        pixels.putFloat(4 * 5, Float.NaN);
        rig.frame(good.toBuilder().setFrameIndex(1).setPixels(ByteString.copyFrom(pixels.array())).build());
        rig.frame(good.toBuilder().setFrameIndex(1).setPixelFormatValue(0).build());
        rig.frame(good.toBuilder().setFrameIndex(-1).build());
        rig.frame(good);

        assertEquals(List.of(0L), frameIndices(rig.aligned()));
        List<DeadLetter> letters = rig.deadLetters();
        assertEquals(List.of("invalid_frame", "invalid_frame", "invalid_frame"), reasons(letters));
        assertTrue(letters.get(0).getDetail().contains("pixel 5 is NaN"), letters.get(0).getDetail());
    }

    @Test
    void nonFiniteTelemetryIsDroppedAndFramesAlignWithItsNeighbours() {
        rig.start("s1");
        rig.eye("s1", 0, 110, 50, 20);
        rig.eye("s1", 25_000, Float.NaN, 50, 20);
        rig.eye("s1", 50_000, 130, 50, 20);
        rig.treadmill("s1", 0, 3);
        rig.treadmill("s1", 20_000, Float.POSITIVE_INFINITY);
        rig.treadmill("s1", 50_000, 7);
        rig.frame("s1", 0, 25_000);

        List<ModelInput> out = rig.aligned();
        AlignedFrame frame = out.get(1).getFrame();
        assertEquals((120 - 100) / 10f, frame.getPupilX(), EPS);
        assertEquals((5 - 3) / 4f, frame.getTreadmillVelocity(), EPS);
        assertFalse(frame.getTelemetryHeld());
        assertEquals(List.of("non_finite_telemetry", "non_finite_telemetry"), reasons(rig.deadLetters()));
    }

    @Test
    void recordsOfSessionsNotRunningAreUnknown() {
        rig.frame("ghost", 0, 0);
        rig.eye("ghost", 0, 1, 1, 1);
        rig.stop("ghost", 0);
        rig.start("s1");
        telemetryAhead("s1");
        rig.frame("s1", 0, 0);
        rig.stop("s1", 0);
        rig.frame("s1", 1, 33_333);
        rig.treadmill("s1", 40_000, 3);

        List<ModelInput> out = rig.aligned();
        assertEquals(List.of(0L), frameIndices(out));
        assertTrue(out.get(out.size() - 1).hasStop());
        // ghost's stop and s1's frame after its stop at once; s1's trailing treadmill sample is the
        // rig's camera running on, dropped quietly; ghost's frame and eye sample wait for a start
        List<DeadLetter> letters = rig.deadLetters();
        assertEquals(List.of("ghost", "s1"), letters.stream().map(DeadLetter::getSessionId).toList());
        rig.advanceWallClock(SessionGate.START_GRACE.plusSeconds(1));
        letters = rig.deadLetters();
        assertEquals(List.of("unknown_session", "unknown_session"), reasons(letters));
        assertEquals(List.of("ghost", "ghost"), letters.stream().map(DeadLetter::getSessionId).toList());
        assertTrue(letters.get(0).getDetail().contains("no start arrived"), letters.get(0).getDetail());
    }

    @Test
    void framesAndTelemetryBeforeTheStartWaitForItAndComeOutInOrder() {
        rig.eye("late", 0, 120, 50, 20);
        rig.treadmill("late", 0, 3);
        rig.frame("late", 0, 10_000);
        rig.eye("late", 50_000, 120, 50, 20);
        rig.treadmill("late", 50_000, 3);
        rig.frame("late", 1, 43_333);
        assertTrue(rig.aligned().isEmpty());
        assertTrue(rig.deadLetters().isEmpty(), "records before the start are not rejected at once");

        rig.start("late");
        List<ModelInput> out = rig.aligned();
        assertTrue(out.get(0).hasStart());
        assertEquals(List.of(0L, 1L), frameIndices(out));
        assertTrue(rig.deadLetters().isEmpty());
    }

    @Test
    void telemetryTrailingAStopIsDroppedQuietlyUntilTheSessionIsForgotten() {
        rig.start("s1");
        telemetryAhead("s1");
        rig.frame("s1", 0, 0);
        rig.stop("s1", 0);
        List<ModelInput> out = rig.aligned();
        assertTrue(out.get(out.size() - 1).hasStop());
        rig.eye("s1", 50_000, 1, 1, 1);
        rig.treadmill("s1", 50_000, 3);
        assertTrue(rig.deadLetters().isEmpty(), "trailing telemetry is not an error");

        rig.advanceWallClock(SessionGate.TRAILING_TELEMETRY.plusSeconds(1));
        rig.treadmill("s1", 60_000, 3);
        rig.advanceWallClock(SessionGate.START_GRACE.plusSeconds(1));
        assertEquals(List.of("unknown_session"), reasons(rig.deadLetters()), "a long-finished session is unknown");

        rig.start("s1");
        assertTrue(rig.deadLetters().isEmpty(), "a finished session id can start again");
    }

    @Test
    void stopFlushesWaitingFramesThenCloses() {
        rig.start("s1");
        rig.eye("s1", 0, 120, 50, 20);
        rig.treadmill("s1", 0, 3);
        rig.aligned();
        rig.frame("s1", 0, 33_333);
        rig.frame("s1", 1, 66_666);
        assertTrue(rig.aligned().isEmpty());
        rig.stop("s1", 1);

        List<ModelInput> out = rig.aligned();
        assertEquals(3, out.size());
        assertEquals(List.of(0L, 1L), frameIndices(out));
        assertTrue(out.get(0).getFrame().getTelemetryHeld());
        assertEquals(2f, out.get(1).getFrame().getPupilX(), EPS);
        assertTrue(out.get(2).hasStop());
        rig.advanceWallClock(Duration.ofSeconds(1));
        assertTrue(rig.aligned().isEmpty(), "nothing left behind");
    }

    @Test
    void stopWaitsForFramesUpToItsLastIndex() {
        rig.startVirtual("v1");
        rig.frame("v1", 0, 0);
        rig.frame("v1", 1, 33_333);
        rig.stop("v1", 3);
        rig.frame("v1", 2, 66_666);
        assertEquals(List.of(0L, 1L, 2L), frameIndices(rig.aligned()));
        rig.frame("v1", 3, 100_000);
        List<ModelInput> out = rig.aligned();
        assertEquals(List.of(3L), frameIndices(out));
        assertTrue(out.get(1).hasStop());
        rig.frame("v1", 4, 133_333);
        assertEquals(List.of("unknown_session"), reasons(rig.deadLetters()));
    }

    @Test
    void stopGivesUpOnMissingFramesAfterTheGrace() {
        rig.startVirtual("v1");
        rig.frame("v1", 0, 0);
        rig.stop("v1", 2);
        rig.advanceWallClock(StreamConfig.DEFAULT_STOP_GRACE.minusMillis(600));
        assertEquals(2, rig.aligned().size(), "start and frame 0, no stop yet");
        rig.advanceWallClock(Duration.ofMillis(600));
        assertTrue(rig.aligned().get(0).hasStop());
        rig.frame("v1", 1, 33_333);
        assertEquals(List.of("unknown_session"), reasons(rig.deadLetters()));
    }

    @Test
    void virtualSessionsNeverWaitAndGetTheMeans() {
        rig.startVirtual("v1");
        rig.frame("v1", 0, 0);
        rig.eye("v1", 0, 1, 2, 3);
        rig.frame("v1", 1, 33_333);

        List<ModelInput> out = rig.aligned();
        assertEquals(List.of(0L, 1L), frameIndices(out));
        AlignedFrame frame = out.get(2).getFrame();
        assertFalse(frame.getTelemetryHeld());
        assertEquals(0f, frame.getPupilX());
        assertEquals(0f, frame.getTreadmillVelocity());
        assertEquals(List.of("telemetry_for_virtual_session"), reasons(rig.deadLetters()));
    }

    @Test
    void zeroMaxWaitEmitsAtOnceInterpolatingWhatIsBracketed() {
        rig.close();
        rig = new StreamHarness(Duration.ZERO, stateDir);
        rig.start("s1");
        rig.eye("s1", 0, 110, 50, 20);
        rig.eye("s1", 50_000, 130, 50, 20);
        rig.treadmill("s1", 0, 7);
        rig.aligned();
        rig.frame("s1", 0, 25_000);

        AlignedFrame frame = rig.aligned().get(0).getFrame();
        assertEquals((120 - 100) / 10f, frame.getPupilX(), EPS);
        assertEquals((7 - 3) / 4f, frame.getTreadmillVelocity(), EPS);
        assertTrue(frame.getTelemetryHeld(), "treadmill had no sample after the frame");
    }

    @Test
    void theSessionsOwnStreamTimeMovingPastTheWaitAlsoReleases() {
        rig.start("s1");
        rig.start("s2");
        rig.eye("s1", 0, 100, 50, 20);
        rig.aligned();
        rig.frame("s1", 0, 33_333);
        rig.recordTimestampAfterStart(Duration.ofMillis(60));
        rig.eye("s2", 0, 100, 50, 20);
        assertTrue(rig.aligned().isEmpty(), "another rig's records do not cut this session's wait short");
        rig.treadmill("s1", 0, 3);

        List<ModelInput> out = rig.aligned();
        assertEquals(List.of(0L), frameIndices(out));
        assertTrue(out.get(0).getFrame().getTelemetryHeld(), "a record 60 ms later, still no sample after the frame");
    }

    @Test
    void virtualSessionsNeedNoBehaviourStatistics() {
        rig.start("v1", StreamHarness.RIG.toBuilder().setIsVirtual(true).clearPupilX().clearTreadmillVelocity().build());
        rig.frame("v1", 0, 0);
        assertEquals(List.of(0L), frameIndices(rig.aligned()));
        assertTrue(rig.deadLetters().isEmpty());
    }

    @Test
    void controlThatCannotBeAppliedIsInvalid() {
        rig.start("bad", StreamHarness.RIG.toBuilder().setPupilRadius(StreamHarness.stats(20, 0)).build());
        rig.frame("bad", 0, 0);
        rig.start("s1");
        rig.start("s1");
        rig.control("s1", SessionControl.newBuilder().setSessionId("s1").setTimestampUs(5).build());
        rig.advanceWallClock(SessionGate.START_GRACE.plusSeconds(1));

        // the frame of the refused session waits for a start that never comes
        assertEquals(List.of("invalid_control", "invalid_control", "invalid_control", "unknown_session"),
                reasons(rig.deadLetters()));
        assertEquals(1, rig.aligned().size(), "only s1's start");
    }

    @Test
    void sessionIdMustBeThereAndAgreeWithTheKey() {
        rig.start("s1");
        telemetryAhead("s1");
        StimulusFrame anonymous = frameOf("", 0, 0);
        rig.rawFrame(null, anonymous.toByteArray());
        rig.rawFrame("s1", anonymous.toByteArray());
        rig.rawFrame("s2", frameOf("s1", 1, 33_333).toByteArray());

        assertEquals(List.of(0L), frameIndices(rig.aligned()), "a key stands in for a missing session id");
        assertEquals(List.of("missing_session_id", "session_key_mismatch"), reasons(rig.deadLetters()));
    }

    @Test
    void validFramesAroundEveryKindOfBadRecordAllComeOut() {
        rig.start("s1");
        telemetryAhead("s1");
        rig.eye("s1", 5_000, Float.NaN, 0, 0);
        long index = 0;
        rig.frame("s1", index, 0);
        Runnable[] badRecords = {
            () -> rig.rawFrame("s1", "garbage".getBytes(StandardCharsets.UTF_8)),
            () -> rig.rawTelemetry("s1", new byte[] {1, 2, 3}),
            () -> rig.frame(frameOf("s1", 99, 0).toBuilder().setPixels(ByteString.EMPTY).build()),
            () -> rig.frame("s1", 0, 0),
            () -> rig.eye("s1", 6_000, Float.NEGATIVE_INFINITY, 0, 0),
            () -> rig.frame("ghost", 1, 0),
            () -> rig.start("s1"),
            () -> rig.rawFrame(null, frameOf("", 1, 0).toByteArray()),
        };
        for (Runnable bad : badRecords) {
            bad.run();
            index++;
            rig.frame("s1", index, index * 33_333);
        }
        rig.stop("s1", index);
        rig.advanceWallClock(SessionGate.START_GRACE.plusSeconds(1)); // the ghost's frame stops waiting

        List<ModelInput> out = rig.aligned();
        assertEquals(java.util.stream.LongStream.rangeClosed(0, index).boxed().toList(), frameIndices(out));
        assertTrue(out.get(out.size() - 1).hasStop());
        assertEquals(badRecords.length + 1, rig.deadLetters().size());
    }
}
