package io.twinloop.ops.cli;

import io.twinloop.ops.client.ServiceClipResponder;
import io.twinloop.ops.closedloop.HeldBehaviour;
import io.twinloop.ops.closedloop.SyntheticMouseResponder;
import io.twinloop.ops.closedloop.mei.MeiRun;
import io.twinloop.ops.closedloop.mei.NaturalSegments;
import io.twinloop.simulator.mouse.BehaviourAtFrame;
import io.twinloop.simulator.mouse.GroundTruth;
import io.twinloop.simulator.mouse.NeuronTuning;
import io.twinloop.recordings.sensorium.RecordingLayout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code twinloop mei}: gradient-free most exciting inputs, checked on the mouse against the best natural clip. */
@Command(name = "mei", mixinStandardHelpOptions = true,
        description = "Gradient-free MEIs: separable CMA-ES (ask/tell, a generation of every unit in one batch) in a"
                + " drifting band-limited Fourier basis, at the RMS contrast of each unit's best natural segment of"
                + " the recording (ranked by the twin); the mouse's response to the MEI over its response to that"
                + " segment, beside random search with as many evaluations. Ends with one JSON line.")
public final class MeiCommand implements Callable<Integer> {

    @Option(names = "--twin", defaultValue = "ground-truth",
            description = "the twin optimised on: ground-truth (the recording's own synthetic mouse, noise-free), or"
                    + " service (a running twinloop service: candidates as virtual sessions through Kafka; give"
                    + " --bootstrap-servers and --model-id; the twin's units must be the recording's, as after"
                    + " train --recording) (default: ${DEFAULT-VALUE})")
    String twin;

    @Option(names = "--bootstrap-servers", description = "the service's Kafka, for --twin service")
    String bootstrapServers;

    @Option(names = "--model-id", description = "the model the service serves, for --twin service")
    String modelId;

    @Option(names = "--recording", required = true, paramLabel = "DIR", description = "a synthetic recording")
    Path recording;

    @Option(names = "--units", defaultValue = "8",
            description = "units optimised, spread evenly over the recording's units (default: ${DEFAULT-VALUE})")
    int units;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where mei.csv and pictures go")
    Path out;

    @Option(names = "--generations", defaultValue = "60",
            description = "CMA-ES generations (default: ${DEFAULT-VALUE})")
    int generations;

    @Option(names = "--seed", defaultValue = "1", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (!twin.equals("ground-truth") && !twin.equals("service")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--twin " + twin
                    + " is not known: ground-truth or service");
        }
        if (twin.equals("service") && (bootstrapServers == null || modelId == null)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--twin service needs --bootstrap-servers and --model-id");
        }
        Path truthFile = new RecordingLayout(recording).groundTruth();
        if (!Files.exists(truthFile)) {
            throw new IllegalArgumentException(recording + " has no twinloop/ground_truth.json: "
                    + "mei needs a synthetic recording (twinloop simulate)");
        }
        GroundTruth truth = GroundTruth.read(truthFile);
        int total = truth.neurons().size();
        if (units < 1 || units > total) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--units must be in 1.." + total + ", not " + units);
        }
        List<NeuronTuning> chosen = new ArrayList<>();
        for (int i = 0; i < units; i++) {
            chosen.add(truth.neurons().get((int) ((long) i * total / units)));
        }
        BehaviourAtFrame held = HeldBehaviour.fromRecording(recording);
        // The twin is the mouse restricted to the chosen units (the others' outputs would go unread).
        SyntheticMouseResponder mouse = SyntheticMouseResponder.expected(truth.config(), chosen, held);
        int[] columns = new int[units];
        long[] ids = new long[units];
        for (int u = 0; u < units; u++) {
            columns[u] = u;
            ids[u] = chosen.get(u).unitId();
        }
        MeiRun.Settings defaults = MeiRun.Settings.defaults();
        MeiRun.Settings settings = new MeiRun.Settings(defaults.frames(), defaults.windowFrom(),
                defaults.maxCyclesPerPixel(), defaults.maxSpeed(), generations, defaults.sigma(), defaults.maxBatch());
        List<NaturalSegments.Segment> naturals = NaturalSegments.fromRecording(recording, settings.frames());
        if (twin.equals("ground-truth")) {
            System.out.println(MeiRun.run(mouse, mouse, columns, ids, naturals, settings, out, seed, chosen));
            return 0;
        }
        // the served twin predicts every unit of the recording: read the chosen ones' columns
        int[] twinColumns = new int[units];
        for (int u = 0; u < units; u++) {
            twinColumns[u] = truth.neurons().indexOf(chosen.get(u));
        }
        int width = MeiRun.widthOf(naturals);
        int height = naturals.get(0).frames()[0].length / width;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, "0"),
                new StringSerializer(), new ByteArraySerializer());
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            ServiceClipResponder service = new ServiceClipResponder(producer, consumer, modelId, height, width,
                    "mei-" + UUID.randomUUID(), Duration.ofMinutes(10));
            System.out.println(MeiRun.run(service, mouse, twinColumns, ids, naturals, settings, out, seed, chosen));
            System.err.printf(java.util.Locale.ROOT, "mei: %.1f candidate-frames per second through the service%n",
                    service.candidateFramesPerSecond());
        }
        return 0;
    }
}
