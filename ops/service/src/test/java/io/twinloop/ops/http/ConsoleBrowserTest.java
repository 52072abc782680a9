package io.twinloop.ops.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.twinloop.ops.broker.EmbeddedKafka;
import io.twinloop.ops.broker.TopicSetup;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.Prediction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console page in a real headless browser (Debian's {@code chromium}; skipped, saying so, where it is missing):
 * the page's script polls {@code /console.json} and fills the session table, and the frame count it shows moves when
 * more predictions arrive. Chromium's virtual time runs the page's timers without waiting on the wall clock.
 */
class ConsoleBrowserTest {

    private static final String BROWSER = System.getenv().getOrDefault("TWINLOOP_CHROMIUM", "/usr/bin/chromium");
    private static final Pattern FRAMES = Pattern.compile(
            "<td>browser-a</td><td>twin</td><td>(\\d+)</td><td>(\\d+)</td>");

    private static Prediction prediction(int frame) {
        return Prediction.newBuilder().setSessionId("browser-a").setFrameIndex(frame).setModelId("twin")
                .setPublishedAtUs(1_000L * frame).setStepFinishedAtUs(1_000L * frame + 15_000).setBatchSize(1)
                .addValues((float) Math.sin(frame / 5.0) + 1).addValues(0.5f).build();
    }

    /** @return the page's DOM after its script ran for a few seconds of virtual time */
    private static String render(Path dir, String url) throws Exception {
        Path out = Files.createTempFile(dir, "dom", ".html");
        Process p = new ProcessBuilder(List.of(BROWSER, "--headless", "--no-sandbox", "--disable-gpu",
                "--virtual-time-budget=3000", "--dump-dom", url)).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not end");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** @return frames predicted as the page's session table shows them */
    private static long shownFrames(String dom) {
        Matcher m = FRAMES.matcher(dom);
        assertTrue(m.find(), "browser-a's row in the rendered table:\n" + dom);
        return Long.parseLong(m.group(1));
    }

    @Test
    void thePageShowsTheSessionsAndItsNumbersMoveWithNewPredictions(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(BROWSER)),
                () -> "console browser test skipped: no " + BROWSER + " (Debian: apt-get install chromium)");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            TopicSetup.ensureTopics(kafka.bootstrapServers(), 1, (short) 1);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                    new ByteArraySerializer());
                 StatusServer server = StatusServer.start("127.0.0.1", 0,
                         () -> new HealthCheck.Status(HealthCheck.State.UP, "ok"),
                         new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                         LiveConsole.start(kafka.bootstrapServers()))) {
                String url = "http://127.0.0.1:" + server.port() + "/";
                sendAndAwait(producer, 0, 40, server.port());
                String first = render(dir, url);
                assertEquals(40, shownFrames(first));
                assertTrue(first.contains("<polyline"), "the unit's trace is drawn");
                assertTrue(first.contains("UP: ok"), "health shown");

                sendAndAwait(producer, 40, 100, server.port());
                String second = render(dir, url);
                assertEquals(100, shownFrames(second), "the numbers moved with the new predictions");
            }
        }
    }

    /** Publishes frames [from, to) and waits until the console has read them (a hang guard only). */
    private static void sendAndAwait(KafkaProducer<String, byte[]> producer, int from, int to, int port)
            throws Exception {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, "browser-a", prediction(i).toByteArray()));
        }
        producer.flush();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            String body = client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/console.json")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            if (body.startsWith("{\"predictions\":" + to + ",")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the console did not read " + to + " predictions");
    }
}
