package io.twinloop.ops.client;

import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.inference.session.SessionStepper.FrameInput;
import io.twinloop.inference.torchscript.TorchScriptTwin;
import io.twinloop.ops.broker.EmbeddedKafka;
import io.twinloop.ops.broker.TopicSetup;
import io.twinloop.ops.closedloop.mei.DriftingFourierBasis;
import io.twinloop.ops.closedloop.mei.MeiSearch;
import io.twinloop.ops.service.ServiceOptions;
import io.twinloop.ops.service.TwinloopService;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Candidates scored through the live service (real in-process broker, the ViV1T-style TorchScript twin): a
 * population of clips sent as virtual sessions comes back as the twin predicts each clip stepped alone, and the
 * gradient-free MEI search (separable CMA-ES) runs through it.
 */
class ServiceClipResponderTest {

    private static final String MODEL = "viv1t";
    private static final int HEIGHT = 36;
    private static final int WIDTH = 64;

    @TempDir
    Path dir;

    @Test
    void candidatesThroughTheServiceGetWhatTheTwinPredictsAndDriveASearch() throws Exception {
        Path file = Path.of(ServiceClipResponderTest.class.getResource("/torchscript/viv1t.pt").toURI());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            TopicSetup.ensureTopics(kafka.bootstrapServers(), 2, (short) 1);
            BatchedSessionStepper stepper = new BatchedSessionStepper(TorchScriptTwin.load(file), true);
            try (TwinloopService service = TwinloopService.start(new ServiceOptions(kafka.bootstrapServers(),
                    "twinloop-clips-it", dir.resolve("streams"), "127.0.0.1", 0, Duration.ofMillis(30)), stepper, MODEL);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                         ProducerConfig.LINGER_MS_CONFIG, "0"), new StringSerializer(), new ByteArraySerializer());
                 KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                         ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                         ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                         new StringDeserializer(), new ByteArrayDeserializer())) {
                service.awaitRunning(Duration.ofSeconds(60));
                ServiceClipResponder responder = new ServiceClipResponder(producer, consumer, MODEL, HEIGHT, WIDTH,
                        "optimiser-1", Duration.ofSeconds(90));

                List<float[][]> clips = new ArrayList<>();
                Random random = new Random(5);
                for (int c = 0; c < 3; c++) {
                    float[][] clip = new float[4 + c][HEIGHT * WIDTH];
                    for (float[] frame : clip) {
                        for (int k = 0; k < frame.length; k++) {
                            // on the GRAY8 grid, as the responder sends them
                            frame[k] = random.nextInt(256) / 255f;
                        }
                    }
                    clips.add(clip);
                }
                float[][][] served = responder.respond(clips);
                double worst = 0;
                try (BatchedSessionStepper alone = new BatchedSessionStepper(TorchScriptTwin.load(file), true)) {
                    for (int c = 0; c < clips.size(); c++) {
                        alone.open("alone");
                        assertEquals(clips.get(c).length, served[c].length);
                        for (int t = 0; t < clips.get(c).length; t++) {
                            float[] expected = alone.step(List.of(new FrameInput("alone", clips.get(c)[t], HEIGHT,
                                    WIDTH, new float[2], new float[2]))).get(0);
                            for (int u = 0; u < expected.length; u++) {
                                worst = Math.max(worst, Math.abs(expected[u] - served[c][t][u]));
                            }
                        }
                        alone.close("alone");
                    }
                }
                System.out.printf("candidates through the service vs the twin alone: %.2e%n", worst);
                assertTrue(worst <= 1e-5, "served candidates differ by " + worst);

                DriftingFourierBasis basis = new DriftingFourierBasis(HEIGHT, WIDTH, 0.05, 1);
                MeiSearch search = new MeiSearch(basis, 8, 4, 64);
                List<MeiSearch.Result> results = search.cmaEs(responder, new int[] {0, 3}, new double[] {0.2, 0.2},
                        3, 1.0, 11);
                for (MeiSearch.Result r : results) {
                    assertTrue(Double.isFinite(r.predicted()) && r.predicted() > 0, "fitness " + r.predicted());
                }
                System.out.printf("CMA-ES through the service: %d dimensions, best %.4f and %.4f after 3"
                                + " generations, %.1f candidate-frames per second%n", basis.dimension(),
                        results.get(0).predicted(), results.get(1).predicted(),
                        responder.candidateFramesPerSecond());
            }
        }
    }
}
