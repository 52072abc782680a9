package io.twinloop.ops.cli;

import io.twinloop.ops.broker.EmbeddedKafka;
import io.twinloop.ops.broker.TopicSetup;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where Kafka is: an existing cluster, or an embedded single-node broker started here. */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", description = "Kafka to use; without it an embedded broker is started")
    String bootstrapServers;

    @Option(names = "--data-dir", defaultValue = ".twinloop",
            description = "local data: the embedded broker's log and the stream's state (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--partitions", defaultValue = "4",
            description = "partitions of each topic when twinloop creates them (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--replication", defaultValue = "1",
            description = "replication factor of topics twinloop creates (default: ${DEFAULT-VALUE})")
    short replication;

    /** A Kafka to talk to, with twinloop's topics created; closing stops an embedded broker. */
    public interface Connection extends AutoCloseable {
        String bootstrapServers();

        @Override
        void close() throws Exception;
    }

    /** Connects (starting the embedded broker if no cluster was given) and creates missing topics. */
    public Connection connect() throws Exception {
        Connection connection;
        if (bootstrapServers != null) {
            String servers = bootstrapServers;
            connection = new Connection() {
                public String bootstrapServers() {
                    return servers;
                }

                public void close() {
                }
            };
        } else {
            EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
            connection = new Connection() {
                public String bootstrapServers() {
                    return kafka.bootstrapServers();
                }

                public void close() throws Exception {
                    kafka.close();
                }
            };
        }
        TopicSetup.ensureTopics(connection.bootstrapServers(), partitions, replication);
        return connection;
    }

    public Path dataDir() {
        return dataDir;
    }
}
