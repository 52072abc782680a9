package io.twinloop.inference.worker;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;

/**
 * Makes the worker's Kafka clients. The worker asks for a fresh pair each time its poll loop (re)starts, so
 * tests hand it Kafka's {@code MockConsumer} and {@code MockProducer} and production hands it real clients.
 */
public interface WorkerClients {

    Consumer<String, byte[]> consumer();

    Producer<String, byte[]> producer();

    /**
     * Real clients: a consumer of the group with manual commits and cooperative rebalancing, and an idempotent
     * producer that sends at once (linger 0) and waits for every replica.
     */
    static WorkerClients kafka(String bootstrapServers, String groupId) {
        return new WorkerClients() {
            @Override
            public Consumer<String, byte[]> consumer() {
                return new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG, groupId,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "256",
                        // a rebalance revokes only the partitions that move, and the worker frees only their
                        // sessions' state (the eager default revokes every partition at every rebalance)
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                        CooperativeStickyAssignor.class.getName()),
                        new StringDeserializer(), new ByteArrayDeserializer());
            }

            @Override
            public Producer<String, byte[]> producer() {
                return new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ProducerConfig.LINGER_MS_CONFIG, "0",
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"),
                        new StringSerializer(), new ByteArraySerializer());
            }
        };
    }
}
