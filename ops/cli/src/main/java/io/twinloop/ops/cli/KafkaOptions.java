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

    @Option(names = "--kafka-listen", defaultValue = "127.0.0.1:0", paramLabel = "HOST:PORT",
            description = "where the embedded broker listens for clients (rigs): 0.0.0.0:9092 opens it to the lab"
                    + " network (then set SASL, docs/reliability.md); port 0 picks a free one (default: ${DEFAULT-VALUE})")
    String kafkaListen;

    @Option(names = "--kafka-advertised-host", paramLabel = "HOST",
            description = "the host name rigs use to reach the embedded broker (default: the listen host, or this"
                    + " machine's name when it listens on 0.0.0.0)")
    String advertisedHost;

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
            EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"),
                    EmbeddedKafka.Listener.parse(kafkaListen, advertisedHost));
            System.err.println("twinloop: embedded Kafka at " + kafka.bootstrapServers() + " (log in "
                    + dataDir.resolve("kafka") + ", kept across starts)");
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

    /**
     * Moves local data to {@code dataDir/demo}, emptied first: a demo neither reads nor wipes the log of a service
     * that runs from the same directory.
     */
    void useFreshDemoData() throws java.io.IOException {
        dataDir = dataDir.resolve("demo");
        EmbeddedKafka.deleteData(dataDir);
    }

    public Path dataDir() {
        return dataDir;
    }
}
