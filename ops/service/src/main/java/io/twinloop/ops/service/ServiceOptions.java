package io.twinloop.ops.service;

import io.twinloop.inference.worker.InferenceWorker;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the service runs.
 *
 * @param bootstrapServers     Kafka
 * @param applicationId        Kafka Streams application id and the inference workers' group id prefix
 * @param stateDir             local state of the stream stage
 * @param httpHost             where /health and /metrics listen
 * @param httpPort             their port (0 = any free port)
 * @param telemetryMaxWait     how long a frame may wait for telemetry after its time (0 = never wait)
 * @param sessionIdleTimeout   a session without a frame for this long is closed by the worker (0 = never)
 */
public record ServiceOptions(String bootstrapServers, String applicationId, Path stateDir, String httpHost,
                             int httpPort, Duration telemetryMaxWait, Duration sessionIdleTimeout) {

    /** Options with the worker's default idle timeout ({@link InferenceWorker#DEFAULT_IDLE_TIMEOUT}). */
    public ServiceOptions(String bootstrapServers, String applicationId, Path stateDir, String httpHost,
                          int httpPort, Duration telemetryMaxWait) {
        this(bootstrapServers, applicationId, stateDir, httpHost, httpPort, telemetryMaxWait,
                InferenceWorker.DEFAULT_IDLE_TIMEOUT);
    }
}
