package io.twinloop.inference.worker;

import static io.twinloop.inference.worker.QuietConsumer.ALIGNED_0;
import static io.twinloop.inference.worker.WorkerTestClients.await;
import static io.twinloop.inference.worker.WorkerTestClients.clients;

import io.twinloop.proto.DeadLetters;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.Prediction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's poll loop on Kafka's mock clients: rejection, replay skipping, commits, revocation, restarts. */
class InferenceWorkerTest {


    private static ConsumerRecord<String, byte[]> record(long offset, String key, ModelInput input) {
        return record(offset, key, input == null ? null : input.toByteArray());
    }

    private static ConsumerRecord<String, byte[]> record(long offset, String key, byte[] value) {
        return new ConsumerRecord<>(Topics.ALIGNED, 0, offset, key, value);
    }

    private static MockProducer<String, byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new StringSerializer(), new ByteArraySerializer());
    }

    private static Thread start(InferenceWorker worker) {
        Thread thread = new Thread(worker);
        thread.start();
        return thread;
    }

    private static long committed(QuietConsumer consumer) {
        return consumer.commits.getOrDefault(ALIGNED_0, -1L);
    }

    private static List<String> reasons(List<ProducerRecord<String, byte[]>> sent) throws Exception {
        List<String> out = new ArrayList<>();
        for (ProducerRecord<String, byte[]> r : sent) {
            if (r.topic().equals(Topics.DEAD_LETTER)) {
                assertTrue(DeadLetters.isDeadLetter(r.headers()), "every dead letter has the twinloop.dlq header");
                DeadLetter letter = DeadLetter.parseFrom(r.value());
                assertEquals(DeadLetters.code(letter.getReasonCode()), letter.getReason());
                out.add(letter.getReason());
            }
        }
        return out;
    }

    @Test
    void everyBadRecordIsADeadLetterAndTheWorkerGoesOn() throws Exception {
        QuietConsumer consumer = new QuietConsumer();
        MockProducer<String, byte[]> producer = producer(true);
        FakeStepper stepper = new FakeStepper();
        WorkerMetrics metrics = new WorkerMetrics();
        InferenceWorker worker = new InferenceWorker(clients(consumer, producer), stepper, "m", metrics);
        consumer.deliver(List.of(
                record(0, "a", WorkerRecords.start("a", "m")),
                record(1, "a", WorkerRecords.anonymousFrame(0)),           // body without a session id
                record(2, "a", (byte[]) null),                              // null value
                record(3, "a", new byte[] {1, 2, 3, (byte) 0xff, 0x7f}),    // not a ModelInput
                record(4, "a", WorkerRecords.frame("a", 1, 4, 4, 2)),       // the model throws
                record(5, "a", WorkerRecords.frame("a", 2)),
                record(6, "a", WorkerRecords.frame("a", 2)),                // read again: skipped
                record(7, "ghost", WorkerRecords.frame("ghost", 0)),
                record(8, "b", WorkerRecords.start("b", "other-model")),
                record(9, "a", WorkerRecords.frame("a", 3, 4, 4, 255)),     // NaN out: the session ends
                record(10, "a", WorkerRecords.frame("a", 4)),
                record(11, "c", WorkerRecords.start("c", "")),
                record(12, "c", WorkerRecords.frame("c", 0)),
                record(13, "c", WorkerRecords.frame("c", 1, 1, 1, 0))));    // 1 x 1: below the models' minimum
        Thread thread = start(worker);
        await(() -> committed(consumer) == 14, "every record committed");
        worker.close();
        thread.join();

        List<ProducerRecord<String, byte[]>> sent = producer.history();
        Map<String, List<Long>> predicted = new java.util.TreeMap<>();
        for (ProducerRecord<String, byte[]> r : sent) {
            if (r.topic().equals(Topics.PREDICTIONS)) {
                Prediction p = Prediction.parseFrom(r.value());
                predicted.computeIfAbsent(p.getSessionId(), k -> new ArrayList<>()).add(p.getFrameIndex());
                assertEquals(r.key(), p.getSessionId());
            }
        }
        assertEquals(Map.of("a", List.of(0L, 2L), "c", List.of(0L)), predicted);
        // rounds interleave sessions: compare the reasons without their order
        assertEquals(List.of("frame_too_small", "model_step_failed", "non_finite_prediction", "session_ended",
                "undecodable", "undecodable", "unknown_model", "unknown_session"),
                reasons(sent).stream().sorted().toList());
        assertEquals(1, metrics.replayedFramesSkipped());
        assertEquals(3, metrics.predictionsSent());
        assertEquals(8, metrics.rejected());
        assertEquals(2, metrics.deadLetters(DeadLetterReason.UNDECODABLE));
        assertEquals(1, metrics.deadLetters(DeadLetterReason.SESSION_ENDED));
        assertTrue(metrics.hasSessionMeters("c"), "a live session has its labelled meters");
        assertTrue(!metrics.hasSessionMeters("a"), "the meters of a session the worker ended are removed");
        assertTrue(!metrics.hasSessionMeters("b"), "a session of another model gets none");
        assertTrue(stepper.closed, "the worker closes the model when it stops");
        assertEquals(InferenceWorker.State.DOWN, worker.health().state());
    }

    /** An optimiser's virtual sessions step after a live rig's frame, as a batch of their own, even when first. */
    @Test
    void liveSessionsStepBeforeVirtualOnesAsABatchOfTheirOwn() throws Exception {
        QuietConsumer consumer = new QuietConsumer();
        MockProducer<String, byte[]> producer = producer(true);
        InferenceWorker worker = new InferenceWorker(clients(consumer, producer), new FakeStepper(), "m",
                new WorkerMetrics());
        consumer.deliver(List.of(
                record(0, "opt-1", WorkerRecords.virtualStart("opt-1", "m")),
                record(1, "opt-2", WorkerRecords.virtualStart("opt-2", "m")),
                record(2, "rig", WorkerRecords.start("rig", "m")),
                record(3, "opt-1", WorkerRecords.frame("opt-1", 0)),
                record(4, "opt-2", WorkerRecords.frame("opt-2", 0)),
                record(5, "rig", WorkerRecords.frame("rig", 0))));
        Thread thread = start(worker);
        await(() -> producer.history().size() == 3, "three predictions");
        worker.close();
        thread.join();
        List<io.twinloop.proto.v1.Prediction> sent = new java.util.ArrayList<>();
        for (var r : producer.history()) {
            sent.add(io.twinloop.proto.v1.Prediction.parseFrom(r.value()));
        }
        assertEquals("rig", sent.get(0).getSessionId(), "the live frame is published first");
        assertEquals(1, sent.get(0).getBatchSize());
        assertEquals(2, sent.get(1).getBatchSize(), "the virtual sessions step together");
        assertEquals(2, sent.get(2).getBatchSize());
    }

    @Test
    void anUnacknowledgedPredictionHoldsTheCommitUntilItsPartitionIsRevoked() throws Exception {
        QuietConsumer consumer = new QuietConsumer();
        MockProducer<String, byte[]> producer = producer(false);
        WorkerMetrics metrics = new WorkerMetrics();
        InferenceWorker worker = new InferenceWorker(clients(consumer, producer), new FakeStepper(), "m", metrics);
        consumer.deliver(List.of(record(0, "a", WorkerRecords.start("a", "m")),
                record(1, "a", WorkerRecords.frame("a", 0))));
        Thread thread = start(worker);
        await(() -> producer.history().size() == 1 && committed(consumer) == 1, "the start committed");
        assertEquals(0, metrics.predictionsSent(), "not acknowledged, not counted");
        assertEquals(1, committed(consumer), "the frame whose prediction is in flight stays uncommitted");

        // revocation: the worker flushes (MockProducer completes what is in flight) and commits what is done
        consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
        await(() -> committed(consumer) == 2, "the frame committed on revocation");
        assertEquals(1, metrics.predictionsSent());
        worker.close();
        thread.join();
    }

    @Test
    void aFailingPollLoopIsRestartedWithFreshClientsAndSaysDegradedMeanwhile() throws Exception {
        QuietConsumer broken = new QuietConsumer();
        broken.deliver(List.of(record(0, "a", WorkerRecords.start("a", "m"))));
        broken.schedulePollTask(() -> broken.setPollException(new KafkaException("broker connection lost")));
        QuietConsumer healthy = new QuietConsumer();
        healthy.deliver(List.of(record(0, "a", WorkerRecords.start("a", "m")),
                record(1, "a", WorkerRecords.frame("a", 0))));
        List<MockProducer<String, byte[]>> producers = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger made = new AtomicInteger();
        WorkerClients clients = new WorkerClients() {
            @Override
            public Consumer<String, byte[]> consumer() {
                if (made.getAndIncrement() == 0) {
                    return broken;
                }
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return healthy;
            }

            @Override
            public Producer<String, byte[]> producer() {
                MockProducer<String, byte[]> producer = InferenceWorkerTest.producer(true);
                producers.add(producer);
                return producer;
            }
        };
        WorkerMetrics metrics = new WorkerMetrics();
        InferenceWorker worker = new InferenceWorker(clients, new FakeStepper(), "m", metrics);
        Thread thread = start(worker);
        await(() -> made.get() == 2, "a second consumer asked for");
        InferenceWorker.Health degraded = worker.health();
        assertEquals(InferenceWorker.State.DEGRADED, degraded.state());
        assertTrue(degraded.detail().contains("broker connection lost"), degraded.detail());
        assertEquals(1, metrics.restarts());
        assertTrue(broken.closed(), "the failed loop's consumer is closed");
        assertTrue(producers.get(0).closed(), "and its producer");

        release.countDown();
        await(() -> metrics.predictionsSent() == 1, "a prediction after the restart");
        await(() -> worker.health().state() == InferenceWorker.State.UP, "UP again");
        assertTrue(thread.isAlive());
        worker.close();
        thread.join();
    }
}
