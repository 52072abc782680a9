package io.twinloop.stream;

import io.twinloop.proto.WallClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.EyeSample;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.SessionStop;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.proto.v1.TreadmillSample;
import io.twinloop.stream.deadletter.DeadLetters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream against a real single-node broker: wall-clock waits, changelog restore and latency,
 * which the test driver cannot show. Slow (a broker start), so opt-in:
 * {@code ./mvnw -o -q -pl stream -am test -Dtest=RealBrokerTest -Dtwinloop.broker-tests=true}
 * (add {@code -Dtwinloop.exactly-once=false} to time at-least-once instead).
 */
@EnabledIfSystemProperty(named = "twinloop.broker-tests", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealBrokerTest {
    private static final int PARTITIONS = 3;

    @TempDir
    static Path dir;
    private KafkaClusterTestKit cluster;
    private KafkaProducer<String, byte[]> producer;

    @BeforeAll
    void startBroker() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).setBaseDirectory(dir.resolve("broker")).build();
        cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(Topics.ALL.stream().map(t -> new NewTopic(t, PARTITIONS, (short) 1)).toList()).all().get();
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    void stopBroker() throws Exception {
        producer.close();
        cluster.close();
    }

    @Test
    void alignsOnARealBrokerAndWaitsOnTheWallClock() throws Exception {
        boolean exactlyOnce = !"false".equals(System.getProperty("twinloop.exactly-once"));
        StreamConfig config = StreamConfig.of(cluster.bootstrapServers(), "twinloop-it", dir.resolve("state-1"))
                .withExactlyOnce(exactlyOnce);
        System.out.println("exactly once: " + exactlyOnce);
        KafkaStreams streams = startStreams(config);
        try (KafkaConsumer<String, byte[]> aligned = consumer(Topics.ALIGNED);
             KafkaConsumer<String, byte[]> deadLetters = consumer(Topics.DEAD_LETTER)) {
            // Session a: telemetry always ahead, frames flow; latency per frame.
            send(Topics.CONTROL, "a", start("a"));
            send(Topics.CONTROL, "w", start("w"));
            send(Topics.TELEMETRY, "a", eye("a", 0));
            send(Topics.TELEMETRY, "a", treadmill("a", 0));
            send(Topics.TELEMETRY, "a", eye("a", 1_000_000_000));
            send(Topics.TELEMETRY, "a", treadmill("a", 1_000_000_000));
            readUntil(aligned, r -> r.getSessionId().equals("a") && r.hasStart(), 1);
            int frames = 300;
            // Baseline: the same frames read straight off the frames topic (one broker hop).
            List<Long> hopUs = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread baseline = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> raw = consumer(Topics.FRAMES)) {
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (hopUs.size() < frames && System.currentTimeMillis() < deadline) {
                        for (ConsumerRecord<String, byte[]> record : raw.poll(Duration.ofMillis(10))) {
                            long now = WallClock.nowMicros();
                            try {
                                StimulusFrame frame = StimulusFrame.parseFrom(record.value());
                                if (frame.getSessionId().equals("a")) {
                                    hopUs.add(now - frame.getPublishedAtUs());
                                }
                            } catch (com.google.protobuf.InvalidProtocolBufferException garbage) {
                                // the garbage record below
                            }
                        }
                    }
                }
            });
            baseline.start();
            Thread.sleep(3_000); // the baseline consumer joins its group
            for (int i = 0; i < frames; i++) {
                send(Topics.FRAMES, "a", StreamHarness.frameOf("a", i, 33_333L * i).toBuilder()
                        .setPublishedAtUs(WallClock.nowMicros()).build().toByteArray());
                if (i == 100) {
                    send(Topics.FRAMES, "a", "garbage".getBytes());
                }
                Thread.sleep(2);
            }
            // Other tests' apps read the same input topics: look at this session only.
            List<ModelInput> out = readUntil(aligned, m -> m.getSessionId().equals("a") && m.hasFrame(), frames)
                    .stream().filter(m -> m.getSessionId().equals("a")).toList();
            assertEquals(java.util.stream.LongStream.range(0, frames).boxed().toList(),
                    StreamHarness.frameIndices(out));
            long[] latencyUs = out.stream().mapToLong(m -> m.getFrame().getAlignedAtUs()
                    - m.getFrame().getFrame().getPublishedAtUs()).sorted().toArray();
            System.out.printf("rig publish -> aligned emitted, %d frames: p50 %d us, p99 %d us, max %d us%n",
                    frames, latencyUs[frames / 2], latencyUs[frames * 99 / 100], latencyUs[frames - 1]);
            baseline.join();
            long[] hop = hopUs.stream().mapToLong(Long::longValue).sorted().toArray();
            if (hop.length > 0) {
                System.out.printf("baseline rig publish -> plain consumer, %d frames: p50 %d us, p99 %d us%n",
                        hop.length, hop[hop.length / 2], hop[hop.length * 99 / 100]);
            }
            // Only a gross regression is asserted (e.g. the producer's 100 ms linger back): timings
            // on a shared build machine say little; measure the budget on a quiet one.
            assertTrue(latencyUs[frames / 2] < 100_000, Arrays.toString(latencyUs));

            DeadLetter letter = null;
            for (long deadline = System.currentTimeMillis() + 30_000; letter == null; ) {
                assertTrue(System.currentTimeMillis() < deadline, "no dead letter for the garbage");
                for (ConsumerRecord<String, byte[]> record : deadLetters.poll(Duration.ofMillis(100))) {
                    assertTrue(record.headers().lastHeader(DeadLetters.HEADER) != null);
                    letter = DeadLetter.parseFrom(record.value());
                }
            }
            assertEquals("undecodable", letter.getReason());
            assertEquals("a", letter.getSessionId());

            // Session w: no telemetry after the frame: the real wall clock lets it go after ~50 ms.
            long sent = System.nanoTime();
            send(Topics.FRAMES, "w", StreamHarness.frameOf("w", 0, 0).toByteArray());
            Predicate<ModelInput> wFrame = m -> m.getSessionId().equals("w") && m.hasFrame();
            ModelInput held = readUntil(aligned, wFrame, 1).stream().filter(wFrame).findFirst().orElseThrow();
            long waitedMs = (System.nanoTime() - sent) / 1_000_000;
            System.out.printf("frame without telemetry released after %d ms (maxWait 50 ms)%n", waitedMs);
            assertTrue(held.getFrame().getTelemetryHeld());
            assertTrue(waitedMs >= 45 && waitedMs < 1_000, "waited " + waitedMs + " ms");

        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    @Test
    void aWaitingFrameSurvivesARestartOnAnotherInstance() throws Exception {
        // A long wait, so that the frame is surely still waiting when the instance goes down.
        StreamConfig config = StreamConfig.of(cluster.bootstrapServers(), "twinloop-it-restart", dir.resolve("r1"))
                .withMaxWait(Duration.ofMinutes(1));
        KafkaStreams streams = startStreams(config);
        try (KafkaConsumer<String, byte[]> aligned = consumer(Topics.ALIGNED)) {
            send(Topics.CONTROL, "r", start("r"));
            send(Topics.TELEMETRY, "r", eye("r", 0));
            send(Topics.TELEMETRY, "r", eye("r", 100_000));
            send(Topics.TELEMETRY, "r", treadmill("r", 0));
            readUntil(aligned, m -> m.getSessionId().equals("r") && m.hasStart(), 1);
            send(Topics.FRAMES, "r", StreamHarness.frameOf("r", 0, 25_000).toByteArray());
            Thread.sleep(2_000);
            streams.close(Duration.ofSeconds(30));
            assertTrue(drain(aligned).stream().noneMatch(m -> m.getSessionId().equals("r") && m.hasFrame()),
                    "the frame was still waiting");

            // Empty local state: the new instance restores the waiting frame from the changelog.
            streams = startStreams(config.withStateDir(dir.resolve("r2")));
            send(Topics.TELEMETRY, "r", treadmill("r", 50_000, 6));
            send(Topics.CONTROL, "r", stop("r", 0));
            List<ModelInput> out = readUntil(aligned, m -> m.getSessionId().equals("r") && m.hasStop(), 1).stream()
                    .filter(m -> m.getSessionId().equals("r")).toList();
            assertEquals(List.of(0L), StreamHarness.frameIndices(out), "exactly once, after the restart");
            ModelInput frame = out.stream().filter(ModelInput::hasFrame).findFirst().orElseThrow();
            assertFalse(frame.getFrame().getTelemetryHeld(), "released by the treadmill sample, not by a timeout");
            assertEquals((4.5f - 3) / 4, frame.getFrame().getTreadmillVelocity(), 1e-5f);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    private KafkaStreams startStreams(StreamConfig config) throws InterruptedException {
        KafkaStreams streams = TwinloopStreams.create(config);
        streams.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (streams.state() != KafkaStreams.State.RUNNING) {
            assertTrue(System.currentTimeMillis() < deadline, "streams not running: " + streams.state());
            Thread.sleep(50);
        }
        return streams;
    }

    private void send(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private KafkaConsumer<String, byte[]> consumer(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + java.util.UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Reads aligned records until {@code count} of them match; returns all it read. */
    private static List<ModelInput> readUntil(KafkaConsumer<String, byte[]> consumer, Predicate<ModelInput> match,
                                              int count) throws Exception {
        List<ModelInput> read = new ArrayList<>();
        int matching = 0;
        long deadline = System.currentTimeMillis() + 30_000;
        while (matching < count) {
            assertTrue(System.currentTimeMillis() < deadline, "only " + matching + " of " + count);
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                ModelInput input = ModelInput.parseFrom(record.value());
                read.add(input);
                matching += match.test(input) ? 1 : 0;
            }
        }
        return read;
    }

    private static List<ModelInput> drain(KafkaConsumer<String, byte[]> consumer) throws Exception {
        List<ModelInput> out = new ArrayList<>();
        for (boolean more = true; more; ) {
            more = false;
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                out.add(ModelInput.parseFrom(record.value()));
                more = true;
            }
        }
        return out;
    }

    private static byte[] start(String session) {
        return SessionControl.newBuilder().setSessionId(session).setStart(StreamHarness.RIG).build().toByteArray();
    }

    private static byte[] stop(String session, long last) {
        return SessionControl.newBuilder().setSessionId(session)
                .setStop(SessionStop.newBuilder().setLastFrameIndex(last)).build().toByteArray();
    }

    private static byte[] eye(String session, long t) {
        return Telemetry.newBuilder().setEye(EyeSample.newBuilder().setSessionId(session).setTimestampUs(t)
                .setPupilX(100).setPupilY(50).setPupilRadius(20)).build().toByteArray();
    }

    private static byte[] treadmill(String session, long t) {
        return treadmill(session, t, 3);
    }

    private static byte[] treadmill(String session, long t, float velocity) {
        return Telemetry.newBuilder().setTreadmill(TreadmillSample.newBuilder().setSessionId(session)
                .setTimestampUs(t).setVelocity(velocity)).build().toByteArray();
    }

}
