package io.twinloop.ops.http;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusServerTest {

    @Test
    void servesHealthAndPrometheusMetrics() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        HealthCheck health = () -> new HealthCheck.Status(healthy.get(), healthy.get() ? "ok" : "stream is \"down\"");
        MetricsSource metrics = out -> out
                .counter("twinloop_predictions_total", "Predictions published.", 42)
                .summary("twinloop_model_step_seconds", "Model step.", new double[][] {{0.5, 0.012}, {0.99, 0.02}}, 7, 0.1);
        try (StatusServer server = StatusServer.start("127.0.0.1", 0, health, List.of(metrics))) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();

            HttpResponse<String> up = client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, up.statusCode());
            assertTrue(up.body().contains("\"UP\""), up.body());

            healthy.set(false);
            HttpResponse<String> down = client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, down.statusCode());
            assertTrue(down.body().contains("DOWN"), down.body());

            HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
            assertTrue(scrape.body().contains("# TYPE twinloop_predictions_total counter\ntwinloop_predictions_total 42\n"),
                    scrape.body());
            assertTrue(scrape.body().contains("twinloop_model_step_seconds{quantile=\"0.99\"} 0.02"), scrape.body());

            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(base + "/nope")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
        }
    }
}
