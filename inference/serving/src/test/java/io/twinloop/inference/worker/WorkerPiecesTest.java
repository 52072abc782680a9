package io.twinloop.inference.worker;

import io.twinloop.proto.DeadLetters;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.Prediction;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's pieces one by one: decode, plan (the session book), step, publish, and the offsets it commits. */
class WorkerPiecesTest {

    private static final TopicPartition ALIGNED_0 = new TopicPartition(Topics.ALIGNED, 0);

    private static DeadLetterReason rejectedAs(String key, byte[] value) {
        InputDecoder.Decoded decoded = InputDecoder.decode(key, value);
        assertFalse(decoded.accepted(), "should be rejected");
        assertFalse(decoded.rejection().detail().isBlank());
        return decoded.rejection().reason();
    }

    @Test
    void decoderRejectsWhatWouldThrowLaterAndTakesTheKeyForAMissingSessionId() {
        assertEquals(DeadLetterReason.UNDECODABLE, rejectedAs("s", null));
        assertEquals(DeadLetterReason.UNDECODABLE, rejectedAs("s", new byte[0]));
        assertEquals(DeadLetterReason.UNDECODABLE, rejectedAs("s", new byte[] {1, 2, 3, (byte) 0xff, 0x7f}));
        assertEquals(DeadLetterReason.UNDECODABLE,
                rejectedAs("s", ModelInput.newBuilder().setSessionId("s").build().toByteArray()));
        assertEquals(DeadLetterReason.MISSING_SESSION_ID,
                rejectedAs(null, WorkerRecords.anonymousFrame(0).toByteArray()));
        assertEquals(DeadLetterReason.SESSION_KEY_MISMATCH, rejectedAs("a", WorkerRecords.frame("b", 0).toByteArray()));
        ModelInput short1 = WorkerRecords.frame("s", 0).toBuilder().setFrame(WorkerRecords.frame("s", 0).getFrame()
                .toBuilder().setFrame(WorkerRecords.frame("s", 0).getFrame().getFrame().toBuilder().setWidth(5)))
                .build();
        assertEquals(DeadLetterReason.WRONG_FRAME_SIZE, rejectedAs("s", short1.toByteArray()));
        assertEquals(DeadLetterReason.INVALID_FRAME,
                rejectedAs("s", WorkerRecords.frame("s", 0, 0, 4, 0).toByteArray()));

        InputDecoder.Decoded keyed = InputDecoder.decode("from-key", WorkerRecords.anonymousFrame(3).toByteArray());
        assertTrue(keyed.accepted());
        assertEquals("from-key", keyed.input().getSessionId());
        assertNull(keyed.rejection());
    }

    @Test
    void sessionBookOpensRefusesSkipsReplaysAndEnds() {
        FakeStepper stepper = new FakeStepper();
        SessionBook book = new SessionBook(stepper, "m");
        assertTrue(book.apply(WorkerRecords.start("a", "m")).isEmpty());
        assertEquals(DeadLetterReason.UNKNOWN_MODEL,
                book.apply(WorkerRecords.start("b", "other")).orElseThrow().reason());
        assertTrue(stepper.isOpen("a"));
        assertFalse(stepper.isOpen("b"));

        assertInstanceOf(SessionBook.Admission.Step.class, book.admit(WorkerRecords.frame("a", 0)));
        assertTrue(book.isFresh("a"));
        book.stepped("a", 0);
        assertFalse(book.isFresh("a"));
        assertInstanceOf(SessionBook.Admission.Replayed.class, book.admit(WorkerRecords.frame("a", 0)));
        assertInstanceOf(SessionBook.Admission.Step.class, book.admit(WorkerRecords.frame("a", 1)));
        assertEquals(DeadLetterReason.UNKNOWN_MODEL, refusal(book.admit(WorkerRecords.frame("b", 0))));
        assertEquals(DeadLetterReason.UNKNOWN_SESSION, refusal(book.admit(WorkerRecords.frame("ghost", 0))));

        book.end("a", "unit 0 predicted NaN");
        assertFalse(stepper.isOpen("a"), "an ended session's state is freed");
        assertEquals(DeadLetterReason.SESSION_ENDED, refusal(book.admit(WorkerRecords.frame("a", 2))));
        assertEquals(0, book.openSessions());
        assertTrue(book.apply(WorkerRecords.start("a", "m")).isEmpty(), "a new start serves the id again");
        assertInstanceOf(SessionBook.Admission.Step.class, book.admit(WorkerRecords.frame("a", 0)));
        book.apply(WorkerRecords.stop("a", 0));
        assertEquals(DeadLetterReason.UNKNOWN_SESSION, refusal(book.admit(WorkerRecords.frame("a", 1))));
    }

    private static DeadLetterReason refusal(SessionBook.Admission admission) {
        return assertInstanceOf(SessionBook.Admission.Refused.class, admission).rejection().reason();
    }

    @Test
    void frameStepperFailsOnlyTheFrameThatFailsAndCatchesNonFiniteRates() {
        FakeStepper stepper = new FakeStepper();
        List<Integer> observed = new ArrayList<>();
        FrameStepper frames = new FrameStepper(stepper, (batch, micros) -> observed.add(batch));
        for (String s : List.of("a", "b", "c", "d")) {
            stepper.open(s);
        }
        List<ModelInput> round = List.of(WorkerRecords.frame("a", 0), WorkerRecords.frame("b", 0, 1, 1, 0),
                WorkerRecords.frame("c", 0), WorkerRecords.frame("d", 0, 4, 4, 255));
        List<FrameStepper.Stepped> out = frames.step(round, s -> true);

        assertEquals(4, out.size());
        assertArrayEquals(new float[] {51 / 255f, 1}, out.get(0).rates());
        assertEquals(DeadLetterReason.MODEL_STEP_FAILED, out.get(1).rejection().reason());
        assertNull(out.get(1).rates());
        assertArrayEquals(new float[] {51 / 255f, 1}, out.get(2).rates());
        assertEquals(DeadLetterReason.NON_FINITE_PREDICTION, out.get(3).rejection().reason());
        assertEquals(3, out.get(0).batchSize(), "a, c and d (same size, all fresh) in one batch");
        assertEquals(List.of(3), observed, "the 1 x 1 frame failed before any state changed");
        assertEquals(Map.of("a", 1, "b", 0, "c", 1, "d", 1), stepper.steps, "no session stepped twice");
    }

    @Test
    void offsetBookCommitsUpToTheFirstInputWhoseOutputIsNotAcknowledged() {
        OffsetBook book = new OffsetBook();
        for (long offset = 0; offset < 5; offset++) {
            book.consumed(ALIGNED_0, offset);
        }
        assertEquals(new OffsetAndMetadata(0), book.committable().get(ALIGNED_0));
        book.done(ALIGNED_0, 0);
        book.done(ALIGNED_0, 1);
        book.done(ALIGNED_0, 3);
        book.done(ALIGNED_0, 4);
        assertEquals(new OffsetAndMetadata(2), book.committable().get(ALIGNED_0), "offset 2 is not acknowledged");
        book.done(ALIGNED_0, 2);
        assertEquals(new OffsetAndMetadata(5), book.committable().get(ALIGNED_0));
        book.forget(List.of(ALIGNED_0));
        assertTrue(book.committable().isEmpty());
    }

    @Test
    void aFailedSendIsNotCountedNorCommittedAndIsSentAgain() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer());
        OffsetBook offsets = new OffsetBook();
        WorkerMetrics metrics = new WorkerMetrics();
        PredictionPublisher publisher = new PredictionPublisher(offsets, "m", metrics);
        publisher.use(producer);
        ModelInput input = WorkerRecords.frame("a", 7);
        offsets.consumed(ALIGNED_0, 0);
        offsets.consumed(ALIGNED_0, 1);
        publisher.publish(new FrameStepper.Stepped(input, new float[] {0.5f, 2f}, null, 10, 20, 1), ALIGNED_0, 0);
        publisher.deadLetter("a",
                new Rejection(DeadLetterReason.UNKNOWN_SESSION, "frame 8 of no session"), new byte[] {9},
                ALIGNED_0, 1);

        assertTrue(producer.errorNext(new TimeoutException("delivery timed out")));
        assertEquals(0, metrics.predictionsSent(), "a failed prediction is not counted as sent");
        assertEquals(1, metrics.sendFailures());
        assertEquals(1, publisher.failedCount());
        assertTrue(producer.completeNext());
        assertEquals(new OffsetAndMetadata(0), offsets.committable().get(ALIGNED_0),
                "its input is not committed, though the later dead letter was acknowledged");

        publisher.retryFailed();
        assertEquals(0, publisher.failedCount());
        assertTrue(producer.completeNext());
        assertEquals(1, metrics.predictionsSent());
        assertEquals(new OffsetAndMetadata(2), offsets.committable().get(ALIGNED_0));

        List<String> topics = producer.history().stream().map(r -> r.topic()).toList();
        assertEquals(List.of(Topics.PREDICTIONS, Topics.DEAD_LETTER, Topics.PREDICTIONS), topics);
        Prediction sent = Prediction.parseFrom(producer.history().get(2).value());
        assertEquals(7, sent.getFrameIndex());
        assertEquals(List.of(0.5f, 2f), sent.getValuesList());
        DeadLetter letter = DeadLetter.parseFrom(producer.history().get(1).value());
        assertEquals(DeadLetterReason.UNKNOWN_SESSION, letter.getReasonCode());
        assertEquals("unknown_session", letter.getReason());
        assertTrue(DeadLetters.isDeadLetter(producer.history().get(1).headers()), "the twinloop.dlq header");
        assertEquals(1, letter.getSourceOffset());
        assertEquals(Topics.ALIGNED, letter.getSourceTopic());
    }

    @Test
    void sessionMetersLiveFromStartToStop() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        WorkerMetrics metrics = new WorkerMetrics(registry);
        metrics.sessionStarted("a");
        metrics.sessionStepped("a", 40_000);
        metrics.predictionSent(Prediction.newBuilder().setSessionId("a").setPublishedAtUs(1_000_000).build(),
                1_030_000);
        assertEquals(0.04, registry.get("twinloop.session.lag").tag("session", "a").gauge().value(), 1e-12);
        assertEquals(1, registry.get("twinloop.session.latency").tag("session", "a").timer().count());
        metrics.sessionEnded("a");
        assertTrue(registry.find("twinloop.session.lag").tag("session", "a").gauges().isEmpty());
        assertFalse(metrics.hasSessionMeters("a"));
        metrics.predictionSent(Prediction.newBuilder().setSessionId("a").setPublishedAtUs(1).build(), 2);
        assertFalse(metrics.hasSessionMeters("a"), "a late acknowledgement does not bring the label back");
        assertEquals(2, metrics.predictionsSent());
    }
}
