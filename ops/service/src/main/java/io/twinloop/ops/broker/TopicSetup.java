package io.twinloop.ops.broker;

import io.twinloop.proto.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Creates twinloop's topics. All get the same partition count: the stream joins frames, telemetry
 * and control of one session, which Kafka Streams can only do on co-partitioned topics.
 */
public final class TopicSetup {

    private TopicSetup() {
    }

    /**
     * Waits until the broker at {@code bootstrapServers} answers with a cluster of at least one node.
     *
     * @throws IllegalStateException if it has not after a minute
     */
    public static void awaitBroker(String bootstrapServers) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, java.util.concurrent.TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker at " + bootstrapServers + " did not answer", e);
                    }
                }
                Thread.sleep(50);
            }
        }
    }

    /** Creates every missing topic of {@link Topics#ALL}; existing topics are left as they are. */
    public static void ensureTopics(String bootstrapServers, int partitions, short replication)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : Topics.ALL) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, replication));
                }
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }
}
