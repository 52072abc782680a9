package io.twinloop.ops.pipeline;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinloop.inference.model.network.NetworkLoader;
import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.ops.broker.EmbeddedKafka;
import io.twinloop.ops.broker.TopicSetup;
import io.twinloop.ops.service.ServiceOptions;
import io.twinloop.ops.service.TwinloopService;
import io.twinloop.proto.DeadLetters;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.Prediction;
import io.twinloop.proto.v1.StimulusFrame;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Python rig client ({@code clients/python}) as a rig would run it: its example script, a real
 * {@code python3} process with Debian's confluent-kafka and protobuf and classes protoc makes from the project's
 * proto in this run, streams two paced sessions with a wrong-size frame in each to the real service on an
 * in-process broker. Every frame must come back as a prediction, in order, to the client and on the topic, and the
 * bad frame as a {@code wrong_frame_size} dead letter. Skips (saying what to install) where the Python side is
 * missing; {@code .ci/run} installs it.
 */
class PythonRigClientTest {

    private static final String MODEL = "twin";
    private static final int UNITS = 24;
    private static final int FRAMES = 30;
    private static final int BAD_FRAME_AT = 10;
    private static final String PREFIX = "py-rig";
    private static final List<String> SESSIONS = List.of(PREFIX + "-0", PREFIX + "-1");
    /** Guards against a hung process only: the script itself gives up waiting for predictions after 90 s. */
    private static final long PROCESS_GUARD_S = 300;

    @TempDir
    static Path dir;
    static Path root;
    static String python;
    /** What the Python side lacks here, or null: the test then skips, saying it (the report counts it skipped). */
    static String missing;
    static EmbeddedKafka kafka;
    static TwinloopService service;

    @BeforeAll
    static void start() throws Exception {
        root = repositoryRoot();
        python = System.getenv().getOrDefault("TWINLOOP_PYTHON", "/usr/bin/python3");
        missing = PythonRigPrerequisites.missing(python);
        if (missing != null) {
            return;
        }
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        TopicSetup.ensureTopics(kafka.bootstrapServers(), 2, (short) 1);
        BatchedSessionStepper stepper = new BatchedSessionStepper(
                NetworkLoader.initialise(NDManager.newBaseManager(), "small", UNITS, 5));
        service = TwinloopService.start(new ServiceOptions(kafka.bootstrapServers(), "twinloop-python-it",
                dir.resolve("streams"), "127.0.0.1", 0, Duration.ofMillis(50)), stepper, MODEL);
        service.awaitRunning(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The folder holding {@code clients/python}: Surefire runs in the module's folder, two below it. */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("clients/python/twinloop_rig"))) {
                return p;
            }
        }
        throw new IllegalStateException("no clients/python above " + Path.of("").toAbsolutePath());
    }

    /** The example's exit status and output (stdout and stderr), run as a rig would run it. */
    private record Run(int status, String output) {
    }

    private static Run example(Path generated, String... args) throws Exception {
        Path log = Files.createTempFile(dir, "python", ".log");
        List<String> command = new ArrayList<>(List.of(python,
                root.resolve("clients/python/examples/stream_session.py").toString(),
                "--bootstrap-servers", kafka.bootstrapServers(), "--model-id", MODEL, "--timeout", "90"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // protoc makes the classes here, in this run, from the proto the Java side was built from.
        builder.environment().put("TWINLOOP_PROTO_OUT", generated.toString());
        Process process = builder.start();
        boolean ended = process.waitFor(PROCESS_GUARD_S, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "the Python rig did not end:\n" + output);
        return new Run(process.exitValue(), output);
    }

    private static void assumePython() {
        // .ci/run sets this once it has the packages: there a missing piece is a failure, not a skip.
        if (missing != null && "1".equals(System.getenv("TWINLOOP_REQUIRE_PYTHON_RIG"))) {
            throw new AssertionError("Python rig client test cannot run although TWINLOOP_REQUIRE_PYTHON_RIG=1: "
                    + missing);
        }
        assumeTrue(missing == null, () -> "Python rig client test skipped: " + missing
                + " (Debian: apt-get install python3-confluent-kafka python3-protobuf protobuf-compiler)");
    }

    @Test
    void theExampleStreamsTwoSessionsAndGetsEveryPredictionInOrderAndItsBadFrameBackAsADeadLetter()
            throws Exception {
        assumePython();
        Path generated = dir.resolve("generated");
        Run run = example(generated, "--sessions", String.valueOf(SESSIONS.size()), "--session-prefix", PREFIX,
                "--frames", String.valueOf(FRAMES), "--rate", "30", "--bad-frame-at", String.valueOf(BAD_FRAME_AT));
        String output = run.output();
        assertEquals(0, run.status(), "the Python rig's exit status:\n" + output);
        assertTrue(Files.isRegularFile(generated.resolve("twinloop/v1/twinloop_pb2.py")),
                "protoc made the classes in this run");

        // What the client saw: one line per prediction and dead letter, then its summary.
        ObjectMapper json = new ObjectMapper();
        Map<String, List<JsonNode>> seen = new HashMap<>();
        Map<String, List<String>> deadLetters = new HashMap<>();
        JsonNode summary = null;
        for (String line : output.split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode node = json.readTree(line);
            if (node.has("frame")) {
                seen.computeIfAbsent(node.get("session").asText(), k -> new ArrayList<>()).add(node);
            } else if (node.has("dead_letter")) {
                deadLetters.computeIfAbsent(node.get("session").asText(), k -> new ArrayList<>())
                        .add(node.get("dead_letter").asText());
            } else if (node.has("frames_sent")) {
                summary = node;
            }
        }
        assertTrue(summary != null, "a summary line:\n" + output);
        assertEquals(FRAMES * SESSIONS.size(), summary.get("predictions").asInt(), output);
        assertEquals(0, summary.get("lost").asInt(), output);

        // What the service published, read apart from the client.
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(kafka.bootstrapServers(),
                Topics.PREDICTIONS, r -> r.stream().filter(x -> SESSIONS.contains(x.key())).count()
                        >= (long) FRAMES * SESSIONS.size(), Duration.ofSeconds(90));
        List<Long> everyFrame = LongStream.range(0, FRAMES).boxed().toList();
        for (String session : SESSIONS) {
            List<Prediction> published = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                if (session.equals(r.key())) {
                    published.add(Prediction.parseFrom(r.value()));
                }
            }
            assertEquals(everyFrame, published.stream().map(Prediction::getFrameIndex).toList(),
                    "every frame of " + session + " predicted once, in order, on the topic");
            List<JsonNode> got = seen.getOrDefault(session, List.of());
            assertEquals(everyFrame, got.stream().map(n -> n.get("frame").asLong()).toList(),
                    "every frame of " + session + " received by the client, in order:\n" + output);
            for (int i = 0; i < FRAMES; i++) {
                assertEquals(UNITS, got.get(i).get("units").asInt());
                // The client rounds to 6 decimals what it decoded: the same float the topic holds.
                assertEquals(published.get(i).getValues(0), got.get(i).get("first").asDouble(), 1e-6,
                        session + " frame " + i + ": the client decoded the published values");
            }
            assertEquals(List.of("wrong_frame_size"), deadLetters.get(session),
                    "the bad frame of " + session + " came back to the client as a dead letter:\n" + output);
        }

        List<ConsumerRecord<String, byte[]>> letters = TopicReader.readUntil(kafka.bootstrapServers(),
                Topics.DEAD_LETTER, r -> r.stream().filter(x -> SESSIONS.contains(x.key())).count()
                        >= SESSIONS.size(), Duration.ofSeconds(90));
        int found = 0;
        for (ConsumerRecord<String, byte[]> r : letters) {
            if (SESSIONS.contains(r.key())) {
                assertTrue(DeadLetters.isDeadLetter(r.headers()));
                DeadLetter letter = DeadLetter.parseFrom(r.value());
                assertEquals(DeadLetterReason.WRONG_FRAME_SIZE, letter.getReasonCode(), letter.toString());
                StimulusFrame bad = StimulusFrame.parseFrom(letter.getOriginalValue());
                assertEquals(BAD_FRAME_AT + 1, bad.getFrameIndex(), "the rejected record is the client's bad frame");
                found++;
            }
        }
        assertEquals(SESSIONS.size(), found);
    }

    @Test
    void aStimulusOptimisersVirtualSessionGetsEveryFrameWithoutTelemetry() throws Exception {
        assumePython();
        Run run = example(dir.resolve("generated-virtual"), "--virtual", "--session-prefix", "py-virtual",
                "--frames", "20", "--rate", "0", "--quiet");
        assertEquals(0, run.status(), run.output());
        JsonNode summary = new ObjectMapper().readTree(run.output().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(20, summary.get("predictions").asInt(), run.output());
        assertEquals(0, summary.get("lost").asInt(), run.output());
        assertTrue(summary.get("dead_letters").isEmpty(), "no telemetry, nothing refused: " + run.output());
    }

    /** What the Python side needs, checked by running it. */
    static final class PythonRigPrerequisites {
        private PythonRigPrerequisites() {
        }

        /** @return what is missing, or null when python, its two modules and protoc are all there */
        static String missing(String python) {
            if (!Files.isExecutable(Path.of(python))) {
                return python + " not found";
            }
            if (!runs(python, "-c", "import confluent_kafka, google.protobuf")) {
                return python + " cannot import confluent_kafka and google.protobuf";
            }
            String protoc = System.getenv().getOrDefault("TWINLOOP_PROTOC", "protoc");
            if (!runs(protoc, "--version")) {
                return "protoc not found";
            }
            return null;
        }

        private static boolean runs(String... command) {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
