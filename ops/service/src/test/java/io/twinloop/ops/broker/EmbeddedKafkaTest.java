package io.twinloop.ops.broker;

import io.twinloop.proto.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedKafkaTest {

    @Test
    void startsInTheGivenDirectoryAndCreatesCopartitionedTopics(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(data)) {
            TopicSetup.ensureTopics(kafka.bootstrapServers(), 3, (short) 1);
            TopicSetup.ensureTopics(kafka.bootstrapServers(), 3, (short) 1); // idempotent
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                Set<String> names = admin.listTopics().names().get();
                assertTrue(names.containsAll(Topics.ALL), names.toString());
                admin.describeTopics(Topics.ALL).allTopicNames().get()
                        .forEach((name, d) -> assertEquals(3, d.partitions().size(), name));
            }
            assertTrue(Files.list(data).findAny().isPresent(), "broker log lives in the data directory");
        }
    }

    /** A broker restarted on its data directory keeps its topics and records: `run` no longer wipes the log. */
    @Test
    void aRestartKeepsTheLog(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        String topic = Topics.ALL.iterator().next();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(data)) {
            TopicSetup.ensureTopics(kafka.bootstrapServers(), 1, (short) 1);
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                    "bootstrap.servers", kafka.bootstrapServers(),
                    "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName(),
                    "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName()))) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "k", "kept")).get();
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(data);
             var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(Map.of(
                     "bootstrap.servers", kafka.bootstrapServers(), "group.id", "restart-test",
                     "auto.offset.reset", "earliest",
                     "key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName(),
                     "value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName()))) {
            consumer.subscribe(java.util.List.of(topic));
            java.util.List<String> values = new java.util.ArrayList<>();
            for (int i = 0; i < 100 && values.isEmpty(); i++) {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            assertEquals(java.util.List.of("kept"), values);
        }
    }

    @Test
    void aListenerIsParsedOrRefusedInOneLine() {
        EmbeddedKafka.Listener l = EmbeddedKafka.Listener.parse("0.0.0.0:9092", "rig-server.lab");
        assertEquals(new EmbeddedKafka.Listener("0.0.0.0", 9092, "rig-server.lab"), l);
        assertEquals("127.0.0.1", EmbeddedKafka.Listener.parse("127.0.0.1:0", null).advertisedHost());
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EmbeddedKafka.Listener.parse("9092", null));
        assertTrue(bad.getMessage().contains("HOST:PORT"), bad.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EmbeddedKafka.Listener.parse("host:70000", null));
    }
}
