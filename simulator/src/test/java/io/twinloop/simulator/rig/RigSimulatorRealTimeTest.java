package io.twinloop.simulator.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.simulator.rig.RecordingRigSink.Published;
import io.twinloop.simulator.stimuli.DomainKind;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Real-time pacing, stopping, and the Kafka sink (with a mock producer). */
@org.junit.jupiter.api.Tag("slow") // wall-clock bounds: the -Pslow profile
class RigSimulatorRealTimeTest {

    @Test
    void publishesOnTheFrameClockWithoutDrift() throws InterruptedException {
        RecordingRigSink sink = new RecordingRigSink();
        int frames = 45; // 1.5 s
        long wallStart = System.nanoTime();
        RigReport report = new RigSimulator(RigConfig.realTime(),
                List.of(SessionPlan.of("rt0", "m", "m", DomainKind.NATURAL_MOVIES, 1, frames),
                        SessionPlan.of("rt1", "m", "m", DomainKind.DRIFTING_GABORS, 2, frames)), sink).run();
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        for (String id : List.of("rt0", "rt1")) {
            List<StimulusFrame> sent = sink.records(id).stream().map(Published::message)
                    .filter(StimulusFrame.class::isInstance).map(StimulusFrame.class::cast).toList();
            assertEquals(frames, sent.size());
            double meanIntervalMs = (sent.get(frames - 1).getPublishedAtUs() - sent.get(0).getPublishedAtUs()) / 1e3 / (frames - 1);
            System.out.printf("%s: mean publish interval %.3f ms, lateness max %d us mean %.0f us, wall %.2f s%n",
                    id, meanIntervalMs, report.maxLatenessMicros(), report.meanLatenessMicros(), wallSeconds);
            assertEquals(1000.0 / 30, meanIntervalMs, 1.0);
            // The rig clock starts at the wall clock: a frame goes out at its display time (+ jitter, + load).
            long[] delays = sent.stream().mapToLong(f -> f.getPublishedAtUs() - f.getTimestampUs()).sorted().toArray();
            long median = delays[delays.length / 2];
            assertTrue(median >= 0 && median < 15_000, "median publish delay " + median + " us");
        }
        // 0.1 s preroll + up to 1/30 s stagger + 45 frames.
        assertTrue(wallSeconds > 1.55 && wallSeconds < 5, "took " + wallSeconds + " s");
    }

    @Test
    void stopEndsEverySessionWithItsLastSentFrame() throws Exception {
        RecordingRigSink sink = new RecordingRigSink();
        RigSimulator rig = new RigSimulator(RigConfig.realTime(),
                List.of(SessionPlan.of("a", "m", "m", DomainKind.FLASHING_DOTS, 1, SessionPlan.UNTIL_STOPPED),
                        SessionPlan.of("b", "m", "m", DomainKind.DIRECTIONAL_PINK_NOISE, 2, SessionPlan.UNTIL_STOPPED)),
                sink);
        var running = rig.start();
        Thread.sleep(500);
        rig.stop();
        RigReport report = running.get(5, TimeUnit.SECONDS);
        for (String id : List.of("a", "b")) {
            SessionReport session = report.session(id);
            assertTrue(session.frames() >= 5 && session.frames() <= 40, session.toString()); // ~12 on an idle machine
            assertEquals(session.frames(), rig.framesSent(id));
            List<Published> records = sink.records(id);
            SessionControl stop = (SessionControl) records.get(records.size() - 1).message();
            assertEquals(session.frames() - 1, stop.getStop().getLastFrameIndex());
            assertTrue(session.stopped());
        }
    }

    @Test
    void kafkaSinkSendsEachRecordToItsTopicKeyedBySession() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        KafkaRigSink sink = new KafkaRigSink(producer);
        new RigSimulator(RigConfig.asFastAsPossible(),
                List.of(SessionPlan.of("k", "m", "model-k", DomainKind.NATURAL_IMAGES, 3, 30)), sink).run();
        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertTrue(sent.stream().allMatch(r -> r.key().equals("k")));
        ProducerRecord<String, byte[]> first = sent.get(0);
        assertEquals(Topics.CONTROL, first.topic());
        assertEquals("model-k", SessionControl.parseFrom(first.value()).getStart().getModelId());
        assertEquals(30, sent.stream().filter(r -> r.topic().equals(Topics.FRAMES)).count());
        long frames = 0;
        for (ProducerRecord<String, byte[]> record : sent) {
            if (record.topic().equals(Topics.FRAMES)) {
                assertEquals(frames++, StimulusFrame.parseFrom(record.value()).getFrameIndex());
            } else if (record.topic().equals(Topics.TELEMETRY)) {
                Telemetry telemetry = Telemetry.parseFrom(record.value());
                assertTrue(telemetry.hasEye() || telemetry.hasTreadmill());
            }
        }
        assertTrue(SessionControl.parseFrom(sent.get(sent.size() - 1).value()).hasStop());
        assertEquals(0, sink.failedSends());
        assertTrue(producer.flushed());
    }
}
