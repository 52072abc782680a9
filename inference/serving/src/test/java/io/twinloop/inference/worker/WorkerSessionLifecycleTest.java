package io.twinloop.inference.worker;

import static io.twinloop.inference.worker.WorkerTestClients.await;
import static io.twinloop.inference.worker.WorkerTestClients.clients;

import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.Prediction;
import io.twinloop.proto.v1.SessionStart;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions that end without a stop: idle ones closed (on an injected clock, no wall-clock bound), those of
 * partitions that moved to another worker freed; and a start read twice that must not reset a running session.
 */
class WorkerSessionLifecycleTest {

    private static final TopicPartition P0 = new TopicPartition(Topics.ALIGNED, 0);
    private static final TopicPartition P1 = new TopicPartition(Topics.ALIGNED, 1);
    private static final long SECOND = 1_000_000_000L;

    /** Predictions as "session:frame", in the order sent. */
    private static List<String> predictions(MockProducer<String, byte[]> producer) throws Exception {
        List<String> out = new ArrayList<>();
        for (ProducerRecord<String, byte[]> r : producer.history()) {
            if (r.topic().equals(Topics.PREDICTIONS)) {
                Prediction p = Prediction.parseFrom(r.value());
                out.add(p.getSessionId() + ":" + p.getFrameIndex());
            }
        }
        return out;
    }

    private static List<DeadLetter> deadLetters(MockProducer<String, byte[]> producer) {
        List<DeadLetter> out = new ArrayList<>();
        for (ProducerRecord<String, byte[]> r : producer.history()) {
            if (r.topic().equals(Topics.DEAD_LETTER)) {
                try {
                    out.add(DeadLetter.parseFrom(r.value()));
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError("a dead letter that does not parse", e);
                }
            }
        }
        return out;
    }

    private static long letters(MockProducer<String, byte[]> producer, DeadLetterReason reason) {
        return deadLetters(producer).stream().filter(l -> l.getReasonCode() == reason).count();
    }

    @Test
    void aSessionWithoutFramesForTheIdleTimeoutIsClosedAndItsStateFreed() throws Exception {
        QuietConsumer consumer = new QuietConsumer();
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        FakeStepper stepper = new FakeStepper();
        WorkerMetrics metrics = new WorkerMetrics();
        AtomicLong clock = new AtomicLong();
        InferenceWorker worker = new InferenceWorker(clients(consumer, producer), stepper, "m", metrics,
                Duration.ofSeconds(60), clock::get);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
        });
        consumer.send(P0, 0, WorkerRecords.start("a", "m"));
        consumer.send(P0, 1, WorkerRecords.frame("a", 0));
        consumer.send(P0, 2, WorkerRecords.start("b", "m"));
        consumer.send(P0, 3, WorkerRecords.frame("b", 0));
        Thread thread = new Thread(worker);
        thread.start();
        await(() -> metrics.predictionsSent() == 2, "both sessions predicted");

        clock.set(30 * SECOND);
        consumer.send(P0, 4, WorkerRecords.frame("b", 1));
        await(() -> metrics.predictionsSent() == 3, "b's second frame");
        assertTrue(stepper.isOpen("a"), "30 s without a frame is not idle yet");

        // a worker behind its input has not seen the frames waiting there: no session of that partition is idle
        consumer.updateEndOffsets(Map.of(P0, 50L));
        clock.set(95 * SECOND);
        consumer.send(P0, 5, WorkerRecords.frame("c", 0));   // unknown: keeps the loop turning
        await(() -> deadLetters(producer).size() == 1, "c's frame refused");
        assertTrue(stepper.isOpen("a") && stepper.isOpen("b"), "not closed while the partition has unread records");

        consumer.updateEndOffsets(Map.of(P0, 6L));
        await(() -> letters(producer, DeadLetterReason.SESSION_IDLE) == 2, "a and b closed as idle");
        assertFalse(stepper.isOpen("a"));
        assertFalse(stepper.isOpen("b"));
        DeadLetter idleA = deadLetters(producer).stream().filter(l -> l.getSessionId().equals("a")
                && l.getReasonCode() == DeadLetterReason.SESSION_IDLE).findFirst().orElseThrow();
        assertEquals(1, idleA.getSourceOffset(), "names the session's last record");
        assertTrue(idleA.getDetail().contains("95000 ms"), idleA.getDetail());
        assertFalse(metrics.hasSessionMeters("a"), "its meters are removed");

        consumer.send(P0, 6, WorkerRecords.frame("a", 1));
        consumer.send(P0, 7, WorkerRecords.start("b", "m"));
        consumer.send(P0, 8, WorkerRecords.frame("b", 0));
        consumer.updateEndOffsets(Map.of(P0, 9L));
        await(() -> metrics.predictionsSent() == 4, "b started again is served from a fresh state");
        assertEquals(1, letters(producer, DeadLetterReason.SESSION_ENDED), "a's late frame says why");
        assertEquals(List.of("a:0", "b:0", "b:1", "b:0"), predictions(producer));
        assertEquals(1, stepper.steps.get("b"), "b's state was reset by its new start");
        worker.close();
        thread.join();
    }

    @Test
    void aZeroIdleTimeoutNeverClosesASession() throws Exception {
        QuietConsumer consumer = new QuietConsumer();
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        FakeStepper stepper = new FakeStepper();
        WorkerMetrics metrics = new WorkerMetrics();
        AtomicLong clock = new AtomicLong();
        InferenceWorker worker = new InferenceWorker(clients(consumer, producer), stepper, "m", metrics,
                Duration.ZERO, clock::get);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
        });
        consumer.send(P0, 0, WorkerRecords.start("a", "m"));
        consumer.send(P0, 1, WorkerRecords.frame("a", 0));
        Thread thread = new Thread(worker);
        thread.start();
        await(() -> metrics.predictionsSent() == 1, "a predicted");
        clock.set(1_000_000 * SECOND);
        consumer.send(P0, 2, WorkerRecords.frame("a", 1));
        await(() -> metrics.predictionsSent() == 2, "a goes on");
        assertEquals(0, letters(producer, DeadLetterReason.SESSION_IDLE));
        worker.close();
        thread.join();
    }

    @Test
    void revokedPartitionsFreeTheirSessionsAndTheOthersGoOn() throws Exception {
        QuietConsumer consumer = new QuietConsumer();
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        FakeStepper stepper = new FakeStepper();
        WorkerMetrics metrics = new WorkerMetrics();
        InferenceWorker worker = new InferenceWorker(clients(consumer, producer), stepper, "m", metrics);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        });
        consumer.send(P0, 0, WorkerRecords.start("a", "m"));
        consumer.send(P0, 1, WorkerRecords.frame("a", 0));
        consumer.send(P1, 0, WorkerRecords.start("b", "m"));
        consumer.send(P1, 1, WorkerRecords.frame("b", 0));
        Thread thread = new Thread(worker);
        thread.start();
        await(() -> metrics.predictionsSent() == 2, "both predicted");
        assertTrue(stepper.isOpen("a") && stepper.isOpen("b"));

        // partition 1 moves to another worker
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
        consumer.send(P0, 2, WorkerRecords.frame("a", 1));
        await(() -> metrics.predictionsSent() == 3, "a goes on");
        assertFalse(stepper.isOpen("b"), "the revoked partition's session state is freed");
        assertTrue(stepper.isOpen("a"));
        assertFalse(metrics.hasSessionMeters("b"));
        assertEquals(List.of("a:0", "b:0", "a:1"), predictions(producer));
        assertEquals(0, deadLetters(producer).size());
        worker.close();
        thread.join();
    }

    @Test
    void aStartReadAgainDoesNotResetTheRunningSessionAndAConflictingOneIsRefused() throws Exception {
        QuietConsumer consumer = new QuietConsumer();
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        FakeStepper stepper = new FakeStepper();
        WorkerMetrics metrics = new WorkerMetrics();
        InferenceWorker worker = new InferenceWorker(clients(consumer, producer), stepper, "m", metrics);
        ModelInput start = WorkerRecords.start("a", "m");
        ModelInput other = start.toBuilder().setStart(SessionStart.newBuilder(start.getStart()).setWidth(8)).build();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
        });
        consumer.send(P0, 0, start);
        consumer.send(P0, 1, WorkerRecords.frame("a", 0));
        consumer.send(P0, 2, WorkerRecords.frame("a", 1));
        consumer.send(P0, 3, start);                              // read twice (an aborted transaction upstream)
        consumer.send(P0, 4, WorkerRecords.frame("a", 1));        // and its frame too: skipped
        consumer.send(P0, 5, other);                              // another start with other parameters
        consumer.send(P0, 6, WorkerRecords.frame("a", 2));
        Thread thread = new Thread(worker);
        thread.start();
        await(() -> metrics.predictionsSent() == 3, "three frames predicted");
        await(() -> deadLetters(producer).size() == 1, "the conflicting start refused");
        assertEquals(DeadLetterReason.CONFLICTING_START, deadLetters(producer).get(0).getReasonCode());
        assertEquals(List.of("a:0", "a:1", "a:2"), predictions(producer));
        assertEquals(3, stepper.steps.get("a"), "one state stepped three times, never reset");
        Prediction last = Prediction.parseFrom(producer.history().stream()
                .filter(r -> r.topic().equals(Topics.PREDICTIONS)).reduce((x, y) -> y).orElseThrow().value());
        assertEquals(3f, last.getValues(1), "the fake's rate 1 counts the session's steps");
        assertEquals(1, metrics.duplicateStartsIgnored());
        assertEquals(1, metrics.replayedFramesSkipped());
        assertTrue(metrics.hasSessionMeters("a"), "a conflicting start leaves the running session's meters");
        worker.close();
        thread.join();
    }

    @Test
    void aNonFinitePredictionEndsOnlyItsSessionAndTheOthersOfItsBatchGoOn() throws Exception {
        QuietConsumer consumer = new QuietConsumer();
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        FakeStepper stepper = new FakeStepper();
        WorkerMetrics metrics = new WorkerMetrics();
        InferenceWorker worker = new InferenceWorker(clients(consumer, producer), stepper, "m", metrics);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            long offset = 0;
            for (ModelInput input : List.of(WorkerRecords.start("a", "m"), WorkerRecords.start("b", "m"),
                    WorkerRecords.frame("a", 0), WorkerRecords.frame("b", 0),
                    WorkerRecords.frame("a", 1, 4, 4, 255), WorkerRecords.frame("b", 1),   // a's rates: NaN
                    WorkerRecords.frame("a", 2), WorkerRecords.frame("b", 2))) {
                consumer.addRecord(new ConsumerRecord<>(Topics.ALIGNED, 0, offset++, input.getSessionId(),
                        input.toByteArray()));
            }
        });
        Thread thread = new Thread(worker);
        thread.start();
        await(() -> metrics.predictionsSent() == 4 && deadLetters(producer).size() == 2, "every record answered");
        assertEquals(List.of("a:0", "b:0", "b:1", "b:2"), predictions(producer));
        assertEquals(List.of(DeadLetterReason.NON_FINITE_PREDICTION, DeadLetterReason.SESSION_ENDED),
                deadLetters(producer).stream().map(DeadLetter::getReasonCode).toList());
        assertEquals(List.of(2, 2, 1), stepper.batchSizes, "a's NaN frame was stepped in b's batch");
        assertFalse(stepper.isOpen("a"), "the poisoned state is freed");
        assertEquals(3, stepper.steps.get("b"));
        worker.close();
        thread.join();
    }

    @Test
    void sessionBookClosesOnlyIdleSessionsOfCaughtUpPartitionsAndReleasesByPartition() {
        FakeStepper stepper = new FakeStepper();
        SessionBook book = new SessionBook(stepper, "m");
        book.apply(WorkerRecords.start("a", "m"));
        book.arrived("a", P0, 0, 0);
        book.apply(WorkerRecords.start("b", "m"));
        book.arrived("b", P1, 0, 0);
        book.apply(WorkerRecords.start("c", "m"));
        book.arrived("c", P1, 1, 0);
        book.arrived("c", P1, 2, 50 * SECOND);
        book.arrived("ghost", P0, 3, 0);         // never started: leaves no trace

        List<SessionBook.Idle> idle = book.closeIdle(60 * SECOND, 60 * SECOND, p -> !p.equals(P0));
        assertEquals(List.of("b"), idle.stream().map(SessionBook.Idle::session).toList(),
                "a's partition has unread records; c had a record 10 s ago");
        assertEquals(0, idle.get(0).lastOffset());
        assertEquals(DeadLetterReason.SESSION_ENDED, assertInstanceOf(SessionBook.Admission.Refused.class,
                book.admit(WorkerRecords.frame("b", 0))).rejection().reason());

        assertEquals(List.of("c"), book.release(List.of(P1)));
        assertFalse(stepper.isOpen("c"));
        assertTrue(stepper.isOpen("a"));
        assertEquals(1, book.openSessions());
        assertEquals(DeadLetterReason.UNKNOWN_SESSION, assertInstanceOf(SessionBook.Admission.Refused.class,
                book.admit(WorkerRecords.frame("c", 3))).rejection().reason());
    }
}
