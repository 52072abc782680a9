package io.twinloop.ops.cli;

import io.twinloop.ops.service.ServiceOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/** The service's own settings on the command line. */
public final class ServiceCliOptions {

    @Option(names = "--http-port", defaultValue = "8080",
            description = "port of /health and /metrics, 0 for any free port (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--http-host", defaultValue = "127.0.0.1", description = "(default: ${DEFAULT-VALUE})")
    String httpHost;

    @Option(names = "--telemetry-wait-ms", defaultValue = "60",
            description = "how long a frame may wait for the telemetry after its time before the last values"
                    + " are held; 0 = never wait (default: ${DEFAULT-VALUE})")
    long telemetryWaitMs;

    @Option(names = "--session-idle-timeout", defaultValue = "60",
            description = "seconds a session may go without a frame before the inference worker closes it, frees"
                    + " its state and dead-letters session_idle; 0 = never (default: ${DEFAULT-VALUE})")
    long sessionIdleTimeoutSeconds;

    @Option(names = "--application-id", defaultValue = "twinloop",
            description = "Kafka Streams application id; inference workers use <id>-inference (default: ${DEFAULT-VALUE})")
    String applicationId;

    ServiceOptions toServiceOptions(String bootstrapServers, Path dataDir) {
        return new ServiceOptions(bootstrapServers, applicationId, dataDir.resolve("streams"), httpHost, httpPort,
                Duration.ofMillis(telemetryWaitMs), Duration.ofSeconds(sessionIdleTimeoutSeconds));
    }
}
