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
}
