package io.twinloop.ops.broker;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A single-node Kafka broker in KRaft mode (combined broker and controller) running inside this JVM, started the way
 * Kafka's own scripts start one ({@code kafka-storage format}, then {@link KafkaRaftServer}): no Kafka to install.
 *
 * <p>The log lives in {@code dataDir/log} and is kept across starts: an existing log is used as it is, a missing one
 * is formatted. The client listener is {@code host:port} as given (port 0: a free one),
 * advertised under {@code advertisedHost}; the controller listens on loopback.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Where clients reach the broker: the address it binds and the host it tells clients to use. */
    public record Listener(String host, int port, String advertisedHost) {

        /** loopback, a free port: the default for a broker only this machine uses */
        public static Listener loopback() {
            return new Listener("127.0.0.1", 0, "127.0.0.1");
        }

        /**
         * @param hostPort e.g. {@code 0.0.0.0:9092} or {@code 127.0.0.1:0}
         * @param advertisedHost the host rigs connect to, or null: the bound host (the machine's name for 0.0.0.0)
         */
        public static Listener parse(String hostPort, String advertisedHost) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--kafka-listen takes HOST:PORT, not " + hostPort);
            }
            String host = hostPort.substring(0, colon);
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--kafka-listen takes HOST:PORT, not " + hostPort, e);
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("--kafka-listen: port " + port + " is not in 0..65535");
            }
            String advertised = advertisedHost != null ? advertisedHost
                    : host.equals("0.0.0.0") ? localHostName() : host;
            return new Listener(host, port, advertised);
        }

        private static String localHostName() {
            try {
                return java.net.InetAddress.getLocalHost().getCanonicalHostName();
            } catch (IOException e) {
                return "localhost";
            }
        }
    }

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker on loopback, on a free port, with its log in {@code dataDir} (kept if it exists). */
    public static EmbeddedKafka start(Path dataDir) throws Exception {
        return start(dataDir, Listener.loopback());
    }

    /**
     * Formats {@code dataDir} if it holds no log yet, and starts the broker.
     *
     * @param dataDir directory for the broker's log and configuration
     */
    public static EmbeddedKafka start(Path dataDir, Listener listener) throws Exception {
        Path logDir = dataDir.toAbsolutePath().resolve("log");
        Files.createDirectories(logDir);
        int port = listener.port() == 0 ? freePort(listener.host()) : listener.port();
        int controllerPort = freePort("127.0.0.1");
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.setProperty("listeners", "PLAINTEXT://" + listener.host() + ":" + port + ",CONTROLLER://127.0.0.1:"
                + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://" + listener.advertisedHost() + ":" + port);
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("log.dirs", logDir.toString());
        // One node: internal topics cannot have more replicas than that.
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        props.setProperty("auto.create.topics.enable", "false");
        Path config = dataDir.toAbsolutePath().resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            props.store(out, "written by twinloop at each start of its embedded broker");
        }
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config); // a new log; an existing one keeps its cluster id and records
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        String bootstrap = listener.advertisedHost() + ":" + port;
        TopicSetup.awaitBroker(bootstrap);
        return new EmbeddedKafka(server, bootstrap);
    }

    /** {@code kafka-storage format}, as Kafka's scripts prepare a new node's log. */
    private static void format(Path config) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", config.toString()}, out);
        }
        if (status != 0) {
            throw new IllegalStateException("formatting the embedded broker's log failed: "
                    + printed.toString(StandardCharsets.UTF_8).trim());
        }
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        }
    }

    /** @return host:port of the broker's client listener, as advertised */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Deletes a broker's data directory: for a broker that must start empty (the demo, tests). */
    public static void deleteData(Path dataDir) throws IOException {
        if (!Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
