package io.twinloop.ops.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusServerTest {

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesHealthAndPrometheusMetrics() throws Exception {
        AtomicReference<HealthCheck.Status> now = new AtomicReference<>(
                new HealthCheck.Status(HealthCheck.State.UP, "ok"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("twinloop.predictions").register(registry).increment(42);
        Counter.builder("twinloop.worker.dead.letters").tag("reason", "unknown_model").register(registry).increment();
        Timer step = Timer.builder("twinloop.model.step").publishPercentiles(0.5, 0.99).register(registry);
        step.record(Duration.ofMillis(12));
        try (StatusServer server = StatusServer.start("127.0.0.1", 0, now::get, registry)) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();

            HttpResponse<String> up = get(client, base + "/health");
            assertEquals(200, up.statusCode());
            assertTrue(up.body().contains("\"UP\""), up.body());

            now.set(new HealthCheck.Status(HealthCheck.State.DEGRADED, "worker restarting after: \"x\""));
            HttpResponse<String> degraded = get(client, base + "/health");
            assertEquals(200, degraded.statusCode(), "degraded: alive and healing, not to be killed");
            assertTrue(degraded.body().contains("\"DEGRADED\""), degraded.body());

            now.set(new HealthCheck.Status(HealthCheck.State.DOWN, "stream is \"down\""));
            HttpResponse<String> down = get(client, base + "/health");
            assertEquals(503, down.statusCode());
            assertTrue(down.body().contains("DOWN"), down.body());

            HttpResponse<String> scrape = get(client, base + "/metrics");
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
            String body = scrape.body();
            assertTrue(body.contains("# TYPE twinloop_predictions_total counter\n"), body);
            assertTrue(body.contains("twinloop_predictions_total 42.0\n"), body);
            assertTrue(body.contains("twinloop_worker_dead_letters_total{reason=\"unknown_model\"} 1.0\n"), body);
            assertTrue(body.contains("twinloop_model_step_seconds{quantile=\"0.99\"}"), body);
            assertTrue(body.contains("twinloop_model_step_seconds_count 1\n"), body);

            assertEquals(404, get(client, base + "/nope").statusCode());
        }
    }
}
