package io.twinloop.ops.pipeline;

import ai.djl.ndarray.NDManager;
import com.google.protobuf.InvalidProtocolBufferException;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkLoader;
import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.inference.worker.InferenceWorker;
import io.twinloop.ops.broker.EmbeddedKafka;
import io.twinloop.ops.broker.TopicSetup;
import io.twinloop.ops.service.ServiceOptions;
import io.twinloop.ops.service.TwinloopService;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.Prediction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.twinloop.ops.pipeline.RigRecords.FRAME_US;
import static io.twinloop.ops.pipeline.RigRecords.WIDTH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline on a real in-process Kafka broker: rig records in, stream, inference worker,
 * predictions and dead letters out.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class PipelineIntegrationTest {

    private static final String MODEL = "twin";
    private static final int UNITS = 24;
    private static final long SEED = 11;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static TwinloopService service;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void startPipeline() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        TopicSetup.ensureTopics(kafka.bootstrapServers(), 2, (short) 1);
        NDManager manager = NDManager.newBaseManager();
        BatchedSessionStepper stepper = new BatchedSessionStepper(
                NetworkLoader.initialise(manager, "small", UNITS, SEED));
        service = TwinloopService.start(new ServiceOptions(kafka.bootstrapServers(), "twinloop-it",
                dir.resolve("streams"), "127.0.0.1", 0, Duration.ofMillis(30)), stepper, MODEL);
        service.awaitRunning(Duration.ofSeconds(60));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, "0"), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        producer.close();
        service.close();
        kafka.close();
    }

    /** Eye samples every 50 ms and treadmill samples every 10 ms up to {@code untilUs}, from {@code fromUs}. */
    private static void telemetry(String session, long fromUs, long untilUs) {
        for (long t = fromUs; t <= untilUs; t += 10_000) {
            double s = t / 1e6;
            if (t % 50_000 == 0) {
                producer.send(RigRecords.eye(session, t, (float) Math.sin(3 * s), (float) Math.cos(2 * s),
                        (float) (0.5 * Math.sin(s))));
            }
            producer.send(RigRecords.treadmill(session, t, (float) (2 * Math.sin(5 * s))));
        }
    }

    private static Map<String, List<Prediction>> predictions(Set<String> sessions, int expected) {
        Map<String, List<Prediction>> out = new HashMap<>();
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(kafka.bootstrapServers(),
                Topics.PREDICTIONS, r -> r.stream().filter(x -> sessions.contains(x.key())).count() >= expected, WAIT);
        for (ConsumerRecord<String, byte[]> r : records) {
            if (sessions.contains(r.key())) {
                out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(parsePrediction(r.value()));
            }
        }
        return out;
    }

    private static Prediction parsePrediction(byte[] value) {
        try {
            return Prediction.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void interleavedSessionsGiveTheSamePredictionsAsEachSessionSteppedAlone() throws Exception {
        int frames = 12;
        List<String> sessions = List.of("it-a", "it-b");
        for (String s : sessions) {
            producer.send(RigRecords.start(s, MODEL));
        }
        for (int i = 0; i < frames; i++) {
            for (String s : sessions) {
                telemetry(s, i == 0 ? 0 : (i - 1) * FRAME_US + 1 - ((i - 1) * FRAME_US + 1) % 10_000 + 10_000,
                        i * FRAME_US + 10_000 - (i * FRAME_US) % 10_000);
                producer.send(RigRecords.frame(s, i, WIDTH, s.hashCode()));
            }
        }
        for (String s : sessions) {
            telemetry(s, frames * FRAME_US - (frames * FRAME_US) % 10_000, frames * FRAME_US + 100_000);
            producer.send(RigRecords.stop(s, frames - 1));
        }
        producer.flush();

        Map<String, List<Prediction>> predicted = predictions(Set.copyOf(sessions), 2 * frames);

        // What the model was given: the aligned frames the stream emitted, per session in order.
        List<ConsumerRecord<String, byte[]>> aligned = TopicReader.readUntil(kafka.bootstrapServers(), Topics.ALIGNED,
                r -> r.stream().filter(x -> sessions.contains(x.key())).count() >= 2 * (frames + 2), WAIT);
        Map<String, List<ModelInput>> inputs = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : aligned) {
            ModelInput in = ModelInput.parseFrom(r.value());
            if (sessions.contains(r.key()) && in.hasFrame()) {
                inputs.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(in);
            }
        }

        try (NDManager manager = NDManager.newBaseManager()) {
            Network offline = NetworkLoader.initialise(manager, "small", UNITS, SEED);
            try (BatchedSessionStepper alone = new BatchedSessionStepper(offline)) {
                for (String s : sessions) {
                    List<Prediction> got = predicted.get(s);
                    assertEquals(frames, got.size(), "one prediction per frame of " + s);
                    assertEquals(frames, inputs.get(s).size());
                    alone.open(s);
                    for (int i = 0; i < frames; i++) {
                        assertEquals(i, got.get(i).getFrameIndex(), "frame order of " + s);
                        float[] expected = alone.step(List.of(InferenceWorker.toFrameInput(inputs.get(s).get(i).getFrame()))).get(0);
                        float[] actual = new float[UNITS];
                        for (int u = 0; u < UNITS; u++) {
                            actual[u] = got.get(i).getValues(u);
                        }
                        assertArrayEquals(expected, actual, 1e-5f, s + " frame " + i);
                    }
                    alone.close(s);
                }
            }
        }
        assertTrue(predicted.get("it-a").stream().anyMatch(p -> p.getBatchSize() == 2),
                "the two sessions were stepped together at least once");
    }

    @Test
    void badInputGoesToTheDeadLetterTopicWithItsReasonAndValidFramesStillGetPredictions() throws Exception {
        String s = "it-bad";
        producer.send(RigRecords.start(s, MODEL));
        telemetry(s, 0, 60_000);
        producer.send(RigRecords.frame(s, 0, WIDTH, 3));
        producer.send(new ProducerRecord<>(Topics.FRAMES, s, new byte[] {1, 2, 3, (byte) 0xff, 0x7f}));
        producer.send(RigRecords.frame(s, 1, WIDTH - 1, 3));
        producer.send(RigRecords.eye(s, 70_000, Float.NaN, 0f, 0f));
        telemetry(s, 70_000, 120_000);
        producer.send(RigRecords.frame(s, 1, WIDTH, 3));
        producer.send(RigRecords.frame(s, 1, WIDTH, 3));
        producer.send(RigRecords.frame("it-ghost", 0, WIDTH, 3));
        producer.send(RigRecords.frame(s, 2, WIDTH, 3));
        telemetry(s, 130_000, 200_000);
        producer.send(RigRecords.stop(s, 2));
        producer.flush();

        Map<String, List<Prediction>> predicted = predictions(Set.of(s), 3);
        List<Long> indices = predicted.get(s).stream().map(Prediction::getFrameIndex).toList();
        assertEquals(List.of(0L, 1L, 2L), indices, "every valid frame predicted once, in order");

        Set<String> wanted = Set.of("undecodable", "wrong_frame_size", "non_finite_telemetry", "duplicate_frame",
                "unknown_session");
        Set<String> reasons = new TreeSet<>();
        List<ConsumerRecord<String, byte[]>> letters = TopicReader.readUntil(kafka.bootstrapServers(),
                Topics.DEAD_LETTER, r -> {
                    reasons.clear();
                    for (ConsumerRecord<String, byte[]> x : r) {
                        try {
                            reasons.add(DeadLetter.parseFrom(x.value()).getReason());
                        } catch (InvalidProtocolBufferException e) {
                            reasons.add("not-a-dead-letter");
                        }
                    }
                    return reasons.containsAll(wanted);
                }, WAIT);
        assertTrue(reasons.containsAll(wanted), "dead-letter reasons: " + reasons);
        for (ConsumerRecord<String, byte[]> r : letters) {
            DeadLetter letter = DeadLetter.parseFrom(r.value());
            assertTrue(!letter.getDetail().isBlank(), "every dead letter says why: " + letter);
        }
    }

    /**
     * The records that used to end the worker's thread (issue 18): a frame whose body has no session id, a null
     * value and a non-protobuf value on the aligned topic. The worker dead-letters what it cannot use, stays UP,
     * and a session started afterwards gets every prediction.
     */
    @Test
    void recordsThatUsedToStopTheWorkerNoLongerDo() throws Exception {
        String s = "it-anonymous";
        producer.send(RigRecords.start(s, MODEL));
        telemetry(s, 0, 100_000);
        ProducerRecord<String, byte[]> framed = RigRecords.frame(s, 0, WIDTH, 5);
        byte[] anonymous = io.twinloop.proto.v1.StimulusFrame.parseFrom(framed.value()).toBuilder()
                .clearSessionId().build().toByteArray();
        producer.send(new ProducerRecord<>(Topics.FRAMES, s, anonymous));
        producer.send(new ProducerRecord<>(Topics.ALIGNED, "it-null", null));
        producer.send(new ProducerRecord<>(Topics.ALIGNED, "it-garbage", new byte[] {1, 2, 3, (byte) 0xff}));
        producer.send(RigRecords.stop(s, 0));

        String after = "it-after";
        int frames = 5;
        producer.send(RigRecords.start(after, MODEL));
        for (int i = 0; i < frames; i++) {
            telemetry(after, i * FRAME_US - (i * FRAME_US) % 10_000, i * FRAME_US + 20_000);
            producer.send(RigRecords.frame(after, i, WIDTH, 7));
        }
        telemetry(after, frames * FRAME_US - (frames * FRAME_US) % 10_000, frames * FRAME_US + 100_000);
        producer.send(RigRecords.stop(after, frames - 1));
        producer.flush();

        Map<String, List<Prediction>> predicted = predictions(Set.of(s, after), frames + 1);
        assertEquals(List.of(0L), predicted.get(s).stream().map(Prediction::getFrameIndex).toList(),
                "the frame without a session id in its body takes its key's");
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L),
                predicted.get(after).stream().map(Prediction::getFrameIndex).toList());
        List<ConsumerRecord<String, byte[]>> letters = TopicReader.readUntil(kafka.bootstrapServers(),
                Topics.DEAD_LETTER, r -> r.stream().filter(x -> "it-garbage".equals(x.key())
                        || "it-null".equals(x.key())).count() >= 2, WAIT);
        for (ConsumerRecord<String, byte[]> r : letters) {
            if ("it-garbage".equals(r.key()) || "it-null".equals(r.key())) {
                DeadLetter letter = DeadLetter.parseFrom(r.value());
                assertEquals(io.twinloop.proto.v1.DeadLetterReason.UNDECODABLE, letter.getReasonCode());
                assertEquals("undecodable", letter.getReason());
                assertEquals(Topics.ALIGNED, letter.getSourceTopic());
                assertTrue(io.twinloop.proto.DeadLetters.isDeadLetter(r.headers()), "the twinloop.dlq header");
            }
        }
        java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + service.httpPort() + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"UP\""), health.body());

        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + service.httpPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        for (String expected : List.of("twinloop_worker_dead_letters_total{reason=\"undecodable\"}",
                "twinloop_predictions_total", "twinloop_model_step_seconds_count", "jvm_memory_used_bytes",
                "kafka_consumer_", "kafka_producer_", "kafka_stream_")) {
            assertTrue(metrics.contains(expected), expected + " in /metrics:\n" + metrics);
        }
        assertTrue(service.workerMetrics().deadLetters(io.twinloop.proto.v1.DeadLetterReason.UNDECODABLE) >= 2);
    }

    /** Last: the service stays distrusted. A model served although its numerics self-check failed is not healthy. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void aModelServedDespiteAFailedNumericsCheckMakesHealthDown() throws Exception {
        String reason = "numerics self-check failed: conv2d x[4,24,16,24] w[8,24,3,3] stride 1 pad 1 groups 1 forward";
        service.distrustNumerics(reason);
        java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + service.httpPort() + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(503, health.statusCode(), health.body());
        assertTrue(health.body().contains("numerics self-check failed"), health.body());
    }
}
