package io.twinloop.simulator.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.simulator.rig.RecordingRigSink.Published;
import io.twinloop.simulator.stimuli.DomainKind;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schedule, seen through a recording sink with no sleeping: what a broker would receive. */
class RigSimulatorScheduleTest {
    private static final int FRAMES = 150; // 5 s
    private static final long EPOCH_US = 1_700_000_000_000_000L;
    private static final List<DomainKind> KINDS = List.of(DomainKind.DRIFTING_GABORS, DomainKind.NATURAL_MOVIES,
            DomainKind.RANDOM_DOT_KINEMATOGRAMS);

    private static RecordingRigSink sink;
    private static RigReport report;

    @BeforeAll
    static void runThreeSessions() throws InterruptedException {
        sink = new RecordingRigSink();
        report = new RigSimulator(config(), plans(), sink).run();
    }

    private static RigConfig config() {
        return RigConfig.asFastAsPossible().withRigEpochMicros(EPOCH_US).withSeed(5);
    }

    private static List<SessionPlan> plans() {
        return List.of(
                SessionPlan.of("s0", "mouse-a", "model-a", KINDS.get(0), 10, FRAMES),
                SessionPlan.of("s1", "mouse-a", "model-a", KINDS.get(1), 11, FRAMES),
                SessionPlan.of("s2", "mouse-b", "model-b", KINDS.get(2), 12, FRAMES));
    }

    private static <T extends Message> List<T> messages(String sessionId, Class<T> type) {
        return sink.records(sessionId).stream().map(Published::message).filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void eachSessionStartsFirstAndStopsLastWithItsLastFrameIndex() {
        for (String id : List.of("s0", "s1", "s2")) {
            List<Published> records = sink.records(id);
            SessionControl start = assertInstanceOf(SessionControl.class, records.get(0).message());
            assertTrue(start.hasStart());
            assertEquals(30f, start.getStart().getFrameRateHz());
            assertEquals(256, start.getStart().getWidth());
            assertEquals(144, start.getStart().getHeight());
            assertTrue(start.getStart().getPupilRadius().getStd() > 0);
            assertTrue(start.getStart().getTreadmillVelocity().getStd() > 0);
            SessionControl stop = assertInstanceOf(SessionControl.class, records.get(records.size() - 1).message());
            assertTrue(stop.hasStop());
            assertEquals(FRAMES - 1, stop.getStop().getLastFrameIndex());
            assertEquals(2, records.stream().filter(r -> r.topic().equals(Topics.CONTROL)).count());
            assertEquals(new SessionReport(id, FRAMES, report.session(id).eyeSamples(),
                    report.session(id).treadmillSamples(), FRAMES - 1, true), report.session(id));
        }
        assertEquals("mouse-b", messages("s2", SessionControl.class).get(0).getStart().getMouseId());
    }

    @Test
    void framesAreNumberedInOrderOnAnExact30HzClock() {
        for (String id : List.of("s0", "s1", "s2")) {
            List<StimulusFrame> frames = messages(id, StimulusFrame.class);
            assertEquals(FRAMES, frames.size());
            for (int i = 0; i < frames.size(); i++) {
                StimulusFrame frame = frames.get(i);
                assertEquals(i, frame.getFrameIndex());
                assertEquals(id, frame.getSessionId());
                assertEquals(PixelFormat.GRAY8, frame.getPixelFormat());
                assertEquals(256 * 144, frame.getPixels().size());
                assertTrue(frame.getPublishedAtUs() > EPOCH_US, "published_at_us is the wall clock");
                if (i > 0) {
                    long step = frame.getTimestampUs() - frames.get(i - 1).getTimestampUs();
                    assertTrue(step == 33_333 || step == 33_334, "frame step " + step + " us");
                }
            }
            double rate = (FRAMES - 1) * 1e6 / (frames.get(FRAMES - 1).getTimestampUs() - frames.get(0).getTimestampUs());
            assertEquals(30.0, rate, 0.001);
        }
    }

    @Test
    void telemetryComesAtTwentyAndOneHundredHertzAndCoversEveryFrame() {
        for (String id : List.of("s0", "s1", "s2")) {
            List<StimulusFrame> frames = messages(id, StimulusFrame.class);
            long first = frames.get(0).getTimestampUs();
            long last = frames.get(frames.size() - 1).getTimestampUs();
            List<Long> eye = messages(id, Telemetry.class).stream().filter(Telemetry::hasEye)
                    .map(t -> t.getEye().getTimestampUs()).toList();
            List<Long> treadmill = messages(id, Telemetry.class).stream().filter(Telemetry::hasTreadmill)
                    .map(t -> t.getTreadmill().getTimestampUs()).toList();
            double seconds = (last - first) / 1e6;
            long eyeInside = eye.stream().filter(t -> t >= first && t <= last).count();
            long treadmillInside = treadmill.stream().filter(t -> t >= first && t <= last).count();
            assertEquals(20, eyeInside / seconds, 0.5, id + " eye rate");
            assertEquals(100, treadmillInside / seconds, 1.0, id + " treadmill rate");
            // The aligner interpolates: a sample on either side of every frame.
            for (List<Long> stream : List.of(eye, treadmill)) {
                assertTrue(stream.get(0) <= first && stream.get(stream.size() - 1) >= last, id + " coverage");
                for (int i = 1; i < stream.size(); i++) {
                    assertTrue(stream.get(i) > stream.get(i - 1), "sample timestamps increase");
                }
            }
        }
    }

    @Test
    void recordsArePublishedInTimestampOrderWithinTheJitter() {
        // A record published after another has a timestamp at most the publish jitter earlier.
        long slack = config().framePublishJitterMicros() + config().telemetryPublishJitterMicros();
        long latest = 0;
        for (Published record : sink.records()) {
            long ts = timestamp(record.message());
            assertTrue(ts >= latest - slack, record + " published " + (latest - ts) + " us out of order");
            latest = Math.max(latest, ts);
        }
        // Interleaved, not batched: about three treadmill samples between two frames of a session.
        List<Published> s0 = sink.records("s0");
        int frameSeen = 0;
        int maxRun = 0;
        int run = 0;
        for (Published record : s0) {
            if (record.message() instanceof StimulusFrame) {
                frameSeen++;
                maxRun = Math.max(maxRun, run);
                run = 0;
            } else if (frameSeen > 0 && record.message() instanceof Telemetry t && t.hasTreadmill()) {
                run++;
            }
        }
        assertTrue(maxRun <= 5, "at most ~4 treadmill samples between frames, saw " + maxRun);
    }

    @Test
    void theSameConfigAndSeedsGiveTheSameRecords() throws InterruptedException {
        RecordingRigSink again = new RecordingRigSink();
        new RigSimulator(config(), plans(), again).run();
        List<Published> first = sink.records();
        List<Published> second = again.records();
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertEquals(withoutWallClock(first.get(i).message()), withoutWallClock(second.get(i).message()), "record " + i);
        }
        RecordingRigSink otherSeed = new RecordingRigSink();
        new RigSimulator(config().withSeed(6), plans(), otherSeed).run();
        assertFalse(otherSeed.records().stream().map(r -> withoutWallClock(r.message())).toList()
                .equals(first.stream().map(r -> withoutWallClock(r.message())).toList()));
    }

    @Test
    void float32FramesCarryFourBytesPerPixel() throws InterruptedException {
        RecordingRigSink f32 = new RecordingRigSink();
        new RigSimulator(config().withPixelFormat(PixelFormat.GRAY_F32),
                List.of(SessionPlan.of("f", "m", "m", DomainKind.FLASHING_DOTS, 1, 3)), f32).run();
        StimulusFrame frame = f32.records().stream().map(Published::message).filter(StimulusFrame.class::isInstance)
                .map(StimulusFrame.class::cast).findFirst().orElseThrow();
        assertEquals(PixelFormat.GRAY_F32, frame.getPixelFormat());
        assertEquals(4 * 256 * 144, frame.getPixels().size());
    }

    @Test
    void duplicateSessionIdsAreRefused() {
        SessionPlan plan = SessionPlan.of("same", "m", "m", DomainKind.FLASHING_DOTS, 1, 3);
        assertThrows(IllegalArgumentException.class,
                () -> new RigSimulator(config(), List.of(plan, plan), new RecordingRigSink()));
    }

    private static Message withoutWallClock(Message message) {
        return message instanceof StimulusFrame frame ? frame.toBuilder().clearPublishedAtUs().build() : message;
    }

    private static long timestamp(Message message) {
        if (message instanceof StimulusFrame frame) {
            return frame.getTimestampUs();
        }
        if (message instanceof SessionControl control) {
            return control.getTimestampUs();
        }
        Telemetry telemetry = (Telemetry) message;
        return telemetry.hasEye() ? telemetry.getEye().getTimestampUs() : telemetry.getTreadmill().getTimestampUs();
    }
}
