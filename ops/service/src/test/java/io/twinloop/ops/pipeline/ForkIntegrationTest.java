package io.twinloop.ops.pipeline;

import com.google.protobuf.InvalidProtocolBufferException;
import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.inference.torchscript.TorchScriptTwin;
import io.twinloop.ops.broker.EmbeddedKafka;
import io.twinloop.ops.broker.TopicSetup;
import io.twinloop.ops.service.ServiceOptions;
import io.twinloop.ops.service.TwinloopService;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.Fork;
import io.twinloop.proto.v1.Prediction;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.SessionStart;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.twinloop.ops.pipeline.RigRecords.HEIGHT;
import static io.twinloop.ops.pipeline.RigRecords.WIDTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forking a running session through the whole pipeline (real in-process broker, 4 partitions): a virtual session
 * started from the copy of its parent's state after frame 5 and shown the frames the parent sees next predicts
 * what the parent predicts (the ViV1T-style twin keeps an 8-frame window in its state, so a fork that started
 * fresh would not); a fork at a frame the parent has passed, and a fork not named after its parent, come back as
 * dead letters with reason {@code FORK_REFUSED}.
 */
class ForkIntegrationTest {

    private static final String MODEL = "viv1t";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String PARENT = "rig-7";
    private static final String FORK = PARENT + "#cand-1";
    private static final String FRESH = "fresh-1";
    private static final String LATE = PARENT + "#too-late";
    private static final String MISNAMED = "cand-2";
    private static final int FORK_AT = 5;
    private static final int AFTER = 4;

    @TempDir
    Path dir;

    @Test
    void aForkContinuesFromItsParentsStateAndBadForksAreRefused() throws Exception {
        Path file = Path.of(ForkIntegrationTest.class.getResource("/torchscript/viv1t.pt").toURI());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            TopicSetup.ensureTopics(kafka.bootstrapServers(), 4, (short) 1);
            BatchedSessionStepper stepper = new BatchedSessionStepper(TorchScriptTwin.load(file), true);
            try (TwinloopService service = TwinloopService.start(new ServiceOptions(kafka.bootstrapServers(),
                    "twinloop-fork-it", dir.resolve("streams"), "127.0.0.1", 0, Duration.ofMillis(30)), stepper, MODEL);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                         ProducerConfig.LINGER_MS_CONFIG, "0"), new StringSerializer(), new ByteArraySerializer())) {
                service.awaitRunning(Duration.ofSeconds(60));
                int units = stepper.units();

                // the parent's first frames, then wait until its prediction of frame 5 is out
                producer.send(start(PARENT, null, 0));
                for (int i = 0; i <= FORK_AT; i++) {
                    producer.send(RigRecords.frame(PARENT, i, WIDTH, 1));
                }
                producer.flush();
                predictions(kafka, Map.of(PARENT, FORK_AT + 1));

                // the fork at frame 5 with its first frame, and a fresh session; the parent's next frames wait
                // until the fork has predicted (records of different sessions are ordered only per partition)
                producer.send(start(FORK, PARENT, FORK_AT));
                producer.send(reindexed(PARENT, FORK_AT + 1, FORK, 0));
                producer.send(start(FRESH, null, 0));
                producer.send(start(LATE, PARENT, FORK_AT - 2));
                producer.send(start(MISNAMED, PARENT, -1));
                producer.flush();
                predictions(kafka, Map.of(FORK, 1));
                // the fork and the fresh session see the frames the parent sees next, under their own indices
                for (int k = 0; k < AFTER; k++) {
                    if (k > 0) {
                        producer.send(reindexed(PARENT, FORK_AT + 1 + k, FORK, k));
                    }
                    producer.send(reindexed(PARENT, FORK_AT + 1 + k, FRESH, k));
                    producer.send(RigRecords.frame(PARENT, FORK_AT + 1 + k, WIDTH, 1));
                }
                producer.flush();

                Map<String, List<Prediction>> got = predictions(kafka,
                        Map.of(PARENT, FORK_AT + 1 + AFTER, FORK, AFTER, FRESH, AFTER));
                double forkVsParent = 0;
                double freshVsParent = 0;
                for (int k = 0; k < AFTER; k++) {
                    Prediction parent = got.get(PARENT).get(FORK_AT + 1 + k);
                    Prediction fork = got.get(FORK).get(k);
                    Prediction fresh = got.get(FRESH).get(k);
                    assertEquals(FORK_AT + 1 + k, parent.getFrameIndex());
                    assertEquals(k, fork.getFrameIndex());
                    for (int u = 0; u < units; u++) {
                        forkVsParent = Math.max(forkVsParent, Math.abs(fork.getValues(u) - parent.getValues(u)));
                        freshVsParent = Math.max(freshVsParent, Math.abs(fresh.getValues(u) - parent.getValues(u)));
                    }
                }
                System.out.printf("fork vs parent: %.2e; a fresh session vs parent: %.2e%n", forkVsParent,
                        freshVsParent);
                assertTrue(forkVsParent <= 1e-5, "the fork predicts " + forkVsParent + " away from its parent");
                assertTrue(freshVsParent > 1e-3, "a fresh session predicts like the parent: the test shows nothing");

                Map<String, DeadLetter> refused = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : TopicReader.readUntil(kafka.bootstrapServers(),
                        Topics.DEAD_LETTER, rs -> rs.size() >= 2, WAIT)) {
                    DeadLetter letter = DeadLetter.parseFrom(r.value());
                    refused.put(letter.getSessionId(), letter);
                }
                assertEquals(DeadLetterReason.FORK_REFUSED, refused.get(LATE).getReasonCode(),
                        String.valueOf(refused.get(LATE)));
                assertEquals(DeadLetterReason.FORK_REFUSED, refused.get(MISNAMED).getReasonCode(),
                        String.valueOf(refused.get(MISNAMED)));
                System.out.println("refused: " + refused.get(LATE).getDetail() + " | "
                        + refused.get(MISNAMED).getDetail());
            }
        }
    }

    private static ProducerRecord<String, byte[]> start(String session, String parent, long at) {
        SessionStart.Builder start = SessionStart.newBuilder().setMouseId("virtual").setModelId(MODEL)
                .setFrameRateHz(30).setWidth(WIDTH).setHeight(HEIGHT).setIsVirtual(true);
        if (parent != null) {
            start.setFork(Fork.newBuilder().setParentSessionId(parent).setAtFrameIndex(at));
        }
        SessionControl control = SessionControl.newBuilder().setSessionId(session).setTimestampUs(0)
                .setStart(start).build();
        return new ProducerRecord<>(Topics.CONTROL, session, control.toByteArray());
    }

    /** The parent's frame {@code index} (same pixels), as frame {@code ownIndex} of another session. */
    private static ProducerRecord<String, byte[]> reindexed(String parent, long index, String session, long ownIndex)
            throws InvalidProtocolBufferException {
        io.twinloop.proto.v1.StimulusFrame frame = io.twinloop.proto.v1.StimulusFrame.parseFrom(
                RigRecords.frame(parent, index, WIDTH, 1).value());
        return new ProducerRecord<>(Topics.FRAMES, session, frame.toBuilder().setSessionId(session)
                .setFrameIndex(ownIndex).setTimestampUs(ownIndex * RigRecords.FRAME_US).build().toByteArray());
    }

    /** @return each session's predictions in order, once each has {@code counts} of them */
    private static Map<String, List<Prediction>> predictions(EmbeddedKafka kafka, Map<String, Integer> counts) {
        Map<String, List<Prediction>> out = new HashMap<>();
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(kafka.bootstrapServers(),
                Topics.PREDICTIONS, rs -> counts.entrySet().stream().allMatch(e -> rs.stream()
                        .filter(r -> e.getKey().equals(r.key())).count() >= e.getValue()), WAIT);
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Prediction.parseFrom(r.value()));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }
        counts.forEach((session, n) -> assertEquals(n, out.getOrDefault(session, List.of()).size(),
                "predictions of " + session));
        return out;
    }
}
