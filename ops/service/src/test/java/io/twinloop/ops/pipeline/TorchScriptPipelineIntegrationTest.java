package io.twinloop.ops.pipeline;

import com.google.protobuf.InvalidProtocolBufferException;
import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.inference.torchscript.TorchScriptTwin;
import io.twinloop.inference.worker.InferenceWorker;
import io.twinloop.ops.broker.EmbeddedKafka;
import io.twinloop.ops.broker.TopicSetup;
import io.twinloop.ops.service.ServiceOptions;
import io.twinloop.ops.service.TwinloopService;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.Prediction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
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
 * A TorchScript twin (the ViV1T-style exporter's, whose 8-frame window lives in the state) served by the whole
 * pipeline on a real in-process broker: three sessions, the third starting 4 frames after the others (its
 * window partly filled while theirs are nearly full), give the predictions each session gets stepped alone.
 */
class TorchScriptPipelineIntegrationTest {

    private static final String MODEL = "viv1t";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void staggeredSessionsGiveThePredictionsOfEachSessionSteppedAlone() throws Exception {
        Path file = Path.of(resource("/torchscript/viv1t.pt"));
        int frames = 10;
        int lateStart = 4;
        List<String> sessions = List.of("ts-a", "ts-b", "ts-c");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            TopicSetup.ensureTopics(kafka.bootstrapServers(), 2, (short) 1);
            // the service owns the stepper and closes it
            BatchedSessionStepper stepper = new BatchedSessionStepper(TorchScriptTwin.load(file), true);
            try (TwinloopService service = TwinloopService.start(new ServiceOptions(kafka.bootstrapServers(),
                    "twinloop-ts-it", dir.resolve("streams"), "127.0.0.1", 0, Duration.ofMillis(30)), stepper, MODEL);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                         ProducerConfig.LINGER_MS_CONFIG, "0"), new StringSerializer(), new ByteArraySerializer())) {
                service.awaitRunning(Duration.ofSeconds(60));
                int units = stepper.units();
                for (int step = 0; step < frames + lateStart; step++) {
                    for (int k = 0; k < sessions.size(); k++) {
                        String s = sessions.get(k);
                        int i = step - (k == 2 ? lateStart : 0);
                        if (i < 0 || i >= frames) {
                            continue;
                        }
                        if (i == 0) {
                            producer.send(RigRecords.start(s, MODEL));
                        }
                        telemetry(producer, s, i == 0 ? 0 : (i - 1) * FRAME_US + 1 - ((i - 1) * FRAME_US + 1) % 10_000
                                + 10_000, i * FRAME_US + 10_000 - (i * FRAME_US) % 10_000);
                        producer.send(RigRecords.frame(s, i, WIDTH, s.hashCode()));
                        if (i == frames - 1) {
                            telemetry(producer, s, frames * FRAME_US - (frames * FRAME_US) % 10_000,
                                    frames * FRAME_US + 100_000);
                            producer.send(RigRecords.stop(s, frames - 1));
                        }
                    }
                }
                producer.flush();

                Map<String, List<Prediction>> predicted = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : TopicReader.readUntil(kafka.bootstrapServers(),
                        Topics.PREDICTIONS, rs -> rs.stream().filter(x -> sessions.contains(x.key())).count()
                                >= (long) sessions.size() * frames, WAIT)) {
                    if (sessions.contains(r.key())) {
                        predicted.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(parse(r.value()));
                    }
                }
                Map<String, List<ModelInput>> inputs = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : TopicReader.readUntil(kafka.bootstrapServers(), Topics.ALIGNED,
                        rs -> rs.stream().filter(x -> sessions.contains(x.key())).count()
                                >= (long) sessions.size() * (frames + 2), WAIT)) {
                    ModelInput in = ModelInput.parseFrom(r.value());
                    if (sessions.contains(r.key()) && in.hasFrame()) {
                        inputs.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(in);
                    }
                }

                Set<Integer> batchSizes = new TreeSet<>();
                try (BatchedSessionStepper alone =
                             new BatchedSessionStepper(TorchScriptTwin.load(file), true)) {
                    for (String s : sessions) {
                        List<Prediction> got = predicted.get(s);
                        assertEquals(frames, got.size(), "one prediction per frame of " + s);
                        alone.open(s);
                        for (int i = 0; i < frames; i++) {
                            assertEquals(i, got.get(i).getFrameIndex(), "frame order of " + s);
                            batchSizes.add(got.get(i).getBatchSize());
                            float[] expected = alone.step(List.of(
                                    InferenceWorker.toFrameInput(inputs.get(s).get(i).getFrame()))).get(0);
                            float[] actual = new float[units];
                            for (int u = 0; u < units; u++) {
                                actual[u] = got.get(i).getValues(u);
                            }
                            // batched kernels may round differently from a batch of 1 (~1e-7 relative per op)
                            assertArrayEquals(expected, actual, 1e-5f, s + " frame " + i);
                        }
                        alone.close(s);
                    }
                }
                System.out.println("TorchScript pipeline: batch sizes seen " + batchSizes);
                assertTrue(batchSizes.stream().anyMatch(b -> b >= 2), "sessions were stepped together at least once");
            }
        }
    }

    private static void telemetry(KafkaProducer<String, byte[]> producer, String session, long fromUs, long untilUs) {
        for (long t = fromUs; t <= untilUs; t += 10_000) {
            double s = t / 1e6;
            if (t % 50_000 == 0) {
                producer.send(RigRecords.eye(session, t, (float) Math.sin(3 * s), (float) Math.cos(2 * s),
                        (float) (0.5 * Math.sin(s))));
            }
            producer.send(RigRecords.treadmill(session, t, (float) (2 * Math.sin(5 * s))));
        }
    }

    private static Prediction parse(byte[] value) {
        try {
            return Prediction.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static java.net.URI resource(String name) throws URISyntaxException {
        return TorchScriptPipelineIntegrationTest.class.getResource(name).toURI();
    }
}
