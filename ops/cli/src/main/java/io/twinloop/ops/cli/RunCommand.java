package io.twinloop.ops.cli;

import io.twinloop.ops.service.TwinloopService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code twinloop run}: the service, until interrupted. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the service: stream stage, inference worker, /health and /metrics."
                + " Without --bootstrap-servers an embedded Kafka broker is started.")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ServingOptions serving;

    @Override
    public Integer call() throws Exception {
        serving.model.configureThreads(1);
        KafkaOptions.Connection connection = serving.kafka.connect();
        TwinloopService running = TwinloopService.start(
                serving.service.toServiceOptions(connection.bootstrapServers(), serving.kafka.dataDir()),
                serving.model.createStepper("run", ServingOptions.LARGEST_CHECKED_BATCH), serving.model.modelId());
        running.distrustNumerics(serving.model.untrustedNumerics());
        System.err.printf("twinloop: serving model '%s'; Kafka at %s; http://%s:%d/health and /metrics%n",
                serving.model.modelId(), connection.bootstrapServers(), serving.service.httpHost, running.httpPort());
        CountDownLatch closed = new CountDownLatch(1);
        // Ctrl-C: stop consuming, let the stream commit, then stop an embedded broker, before the JVM exits
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (connection) {
                running.close();
            } catch (Exception e) {
                System.err.println("twinloop: error while stopping: " + e);
            } finally {
                closed.countDown();
            }
        }, "twinloop-shutdown"));
        closed.await();
        return 0;
    }
}
