package io.twinloop.ops.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.twinloop.ops.broker.EmbeddedKafka;
import io.twinloop.ops.broker.TopicSetup;
import io.twinloop.proto.DeadLetters;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.Prediction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's JSON on a real in-process broker: predictions and a dead letter published as the service publishes
 * them come back per session, with one unit's trace over the last frames, in frame order.
 */
class LiveConsoleTest {

    private static final int UNITS = 8;
    /** Guards against a hang only. */
    private static final long GUARD_MS = 90_000;

    private static Prediction prediction(String session, int frame) {
        Prediction.Builder p = Prediction.newBuilder().setSessionId(session).setFrameIndex(frame).setModelId("twin")
                .setPublishedAtUs(1_000_000L * frame).setStepFinishedAtUs(1_000_000L * frame + 20_000 + frame)
                .setBatchSize(2);
        for (int u = 0; u < UNITS; u++) {
            p.addValues(frame * 10 + u);
        }
        return p.build();
    }

    private static JsonNode get(HttpClient client, String url) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }

    @Test
    void showsEachSessionsFramesLatencyAndAUnitsTraceAndTheDeadLetters(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            TopicSetup.ensureTopics(kafka.bootstrapServers(), 2, (short) 1);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.PREDICTIONS, "before", prediction("before", 0).toByteArray()))
                        .get();
                try (StatusServer server = StatusServer.start("127.0.0.1", 0,
                        () -> new HealthCheck.Status(HealthCheck.State.UP, "ok"),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                        LiveConsole.start(kafka.bootstrapServers()))) {
                    int frames = 200;
                    for (int i = 0; i < frames; i++) {
                        producer.send(new ProducerRecord<>(Topics.PREDICTIONS, "console-a",
                                prediction("console-a", i).toByteArray()));
                    }
                    for (int i = 0; i < 3; i++) {
                        producer.send(new ProducerRecord<>(Topics.PREDICTIONS, "console-b",
                                prediction("console-b", i).toByteArray()));
                    }
                    ProducerRecord<String, DeadLetter> letter = DeadLetters.record(DeadLetterReason.WRONG_FRAME_SIZE,
                            "frame 11: 2303 pixel bytes, expected 64x36x1 = 2304", "console-a", new byte[] {1},
                            Topics.FRAMES, 0, 5);
                    producer.send(new ProducerRecord<>(letter.topic(), null, letter.key(), letter.value().toByteArray(),
                            letter.headers()));
                    producer.flush();

                    HttpClient client = HttpClient.newHttpClient();
                    String base = "http://127.0.0.1:" + server.port();
                    JsonNode console = get(client, base + "/console.json?session=console-a&unit=3");
                    long deadline = System.currentTimeMillis() + GUARD_MS;
                    while ((console.get("predictions").asLong() < frames + 3 || console.get("dead_letters").isEmpty())
                            && System.currentTimeMillis() < deadline) {
                        Thread.sleep(100);
                        console = get(client, base + "/console.json?session=console-a&unit=3");
                    }
                    assertEquals(frames + 3, console.get("predictions").asLong(),
                            "every prediction since the console started, none before: " + console);
                    assertEquals(2, console.get("sessions").size(), console.toString());
                    JsonNode a = console.get("sessions").get(0);
                    assertEquals("console-a", a.get("session").asText());
                    assertEquals(frames, a.get("frames").asLong());
                    assertEquals(frames - 1, a.get("last_frame").asLong());
                    assertEquals(UNITS, a.get("units").asInt());
                    assertEquals("twin", a.get("model").asText());
                    // latency of frame i is 20 ms + i µs; the window holds frames 50..199
                    assertEquals(20.0 + 125 / 1000.0, a.get("latency_p50_ms").asDouble(), 1e-9);
                    assertEquals(20.0 + 198 / 1000.0, a.get("latency_p99_ms").asDouble(), 1e-9);

                    JsonNode trace = console.get("trace");
                    assertEquals("console-a", trace.get("session").asText());
                    assertEquals(LiveConsole.WINDOW, trace.get("values").size());
                    for (int k = 0; k < LiveConsole.WINDOW; k++) {
                        int frame = frames - LiveConsole.WINDOW + k;
                        assertEquals(frame, trace.get("frames").get(k).asLong(), "frame order");
                        assertEquals(frame * 10 + 3, trace.get("values").get(k).asDouble(), 0,
                                "unit 3 of frame " + frame);
                    }
                    JsonNode dead = console.get("dead_letters").get(0);
                    assertEquals("wrong_frame_size", dead.get("reason").asText());
                    assertEquals("console-a", dead.get("session").asText());

                    JsonNode b = get(client, base + "/console.json?session=console-b&unit=99");
                    assertTrue(b.get("trace").get("error").asText().contains("unit 99"), b.toString());

                    HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, page.statusCode());
                    assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
                    assertTrue(page.body().contains("console.json"), "the page polls the JSON endpoint");
                    assertFalse(console.toString().contains("\"before\""), "read from the topics' ends at start");
                }
            }
        }
    }
}
