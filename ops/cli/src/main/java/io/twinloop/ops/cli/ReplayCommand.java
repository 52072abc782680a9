package io.twinloop.ops.cli;

import io.twinloop.ops.replay.RecordingReplay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code twinloop replay}: a recorded session through Kafka and the twin, scored against the neurons. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay a recorded session (Sensorium 2023 layout with twinloop/ frames and telemetry)"
                + " through the topics, collect the predictions, score them against the recorded responses and"
                + " write a report. Ends with one JSON line.")
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RECORDING", description = "the recording directory")
    Path recording;

    @Option(names = "--report", required = true, paramLabel = "DIR",
            description = "where report.md, its plots, summary.json and predictions.npy go")
    Path report;

    @Option(names = "--tiers", split = ",", defaultValue = "oracle,final_test_main",
            description = "tiers to replay and score; the repeated ones give CC_norm (default: ${DEFAULT-VALUE})")
    List<String> tiers;

    @Option(names = "--real-time", description = "publish at the recorded pace instead of as fast as possible")
    boolean realTime;

    @Option(names = "--burn-in", defaultValue = "10",
            description = "frames at the start of every trial left out of the scores (default: ${DEFAULT-VALUE})")
    int burnIn;

    @Option(names = "--challenge-skip-frames", defaultValue = "50",
            description = "frames at the start of every trial that the Sensorium 2023 challenge's scores leave out"
                    + " (default: ${DEFAULT-VALUE}, the challenge's)")
    int challengeSkipFrames;

    @Option(names = "--drain-seconds", defaultValue = "60",
            description = "after publishing, give up on missing predictions when none arrived for this long"
                    + " (default: ${DEFAULT-VALUE})")
    long drainSeconds;

    @Option(names = "--twin", defaultValue = "model",
            description = "what predicts: model (the network of --params, or an initialised one) or ground-truth"
                    + " (a synthetic recording's own mouse: the perfect twin, scored at the noise ceiling)"
                    + " (default: ${DEFAULT-VALUE})")
    String twin;

    @Mixin
    ServingOptions serving;

    @Override
    public Integer call() throws Exception {
        serving.model.configureThreads(1);
        RecordingReplay replay = new RecordingReplay(recording, new LinkedHashSet<>(tiers), realTime, burnIn,
                java.time.Duration.ofSeconds(drainSeconds)).challengeSkipFrames(challengeSkipFrames);
        boolean groundTruth = twin.equals("ground-truth");
        if (!groundTruth && !twin.equals("model")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--twin must be model or ground-truth, not " + twin);
        }
        if (!groundTruth && serving.model.params.isEmpty()) {
            // an initialised twin must at least predict the recording's units
            serving.model.units = replay.units();
            System.err.println("twinloop replay: no --params given: replaying through an untrained twin of "
                    + serving.model.units + " units (scores near 0 are expected; train one with the training commands)");
        }
        try (KafkaOptions.Connection connection = serving.kafka.connect()) {
            System.out.println(replay.run(connection.bootstrapServers(),
                    serving.service.toServiceOptions(connection.bootstrapServers(), serving.kafka.dataDir()),
                    groundTruth ? replay.groundTruthTwin()
                            : serving.model.createStepper("replay", ServingOptions.LARGEST_CHECKED_BATCH),
                    serving.model.modelId(), report));
        }
        return 0;
    }
}
