package io.twinloop.ops.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code twinloop broker}: the embedded single-node KRaft broker alone, with a persistent log and a fixed listener,
 * so that rigs and several {@code twinloop run --bootstrap-servers HOST:PORT} instances (one consumer group) share it.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the embedded Kafka broker alone (KRaft, one node), create twinloop's topics and wait until"
                + " interrupted. Its log in --data-dir is kept across starts.")
public final class BrokerCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        if (kafka.bootstrapServers != null) {
            throw new IllegalArgumentException("broker starts a broker: --bootstrap-servers names another one");
        }
        KafkaOptions.Connection connection = kafka.connect();
        System.out.println("{\"bootstrap_servers\":\"" + connection.bootstrapServers() + "\",\"data_dir\":\""
                + kafka.dataDir().resolve("kafka") + "\"}");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                connection.close();
            } catch (Exception e) {
                System.err.println("twinloop broker: error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "twinloop-broker-shutdown"));
        stopped.await();
        return 0;
    }
}
