package io.twinloop.ops.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.inference.session.SessionStepper;
import io.twinloop.ops.broker.RigProducer;
import io.twinloop.ops.client.LatencyBreakdown;
import io.twinloop.ops.client.PredictionCollector;
import io.twinloop.ops.service.ServiceOptions;
import io.twinloop.ops.service.TwinloopService;
import io.twinloop.ops.validation.Moments;
import io.twinloop.ops.validation.NeuronScorer;
import io.twinloop.ops.validation.NeuronScores;
import io.twinloop.ops.validation.RecordedResponses;
import io.twinloop.ops.validation.SensoriumChallengeScores;
import io.twinloop.ops.validation.ReportInput;
import io.twinloop.ops.validation.ValidationReport;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.proto.v1.Standardisation;
import io.twinloop.recordings.sensorium.RecordingLayout;
import io.twinloop.recordings.sensorium.SensoriumReader;
import io.twinloop.simulator.recording.TwinloopExtrasReader;
import io.twinloop.simulator.rig.KafkaRigSink;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Validation by replay: every trial of the chosen tiers goes through the topics as its own session
 * (frames and the recorded telemetry, as the rig sent them), the twin's predictions come back into
 * a [trial, frame, unit] grid, and the grid is scored against the recorded responses.
 */
public final class RecordingReplay {

    private final Path recording;
    private final RecordedResponses recorded;
    private final boolean realTime;
    private final int burnIn;
    private final Duration drain;
    private int challengeSkipFrames = SensoriumChallengeScores.SKIP_FRAMES;

    public RecordingReplay(Path recording, Set<String> tiers, boolean realTime, int burnIn, Duration drain)
            throws IOException {
        this.recording = recording;
        this.recorded = RecordedResponses.load(recording, tiers);
        if (recorded.trials().isEmpty() && recorded.withheld() > 0) {
            throw new IllegalArgumentException("the " + recorded.withheld() + " trials of tiers " + tiers + " in "
                    + recording + " have all-zero responses (a released test tier): nothing to score; try --tiers oracle");
        }
        if (recorded.trials().isEmpty()) {
            throw new IllegalArgumentException("no trials of tiers " + tiers + " in " + recording);
        }
        this.realTime = realTime;
        this.burnIn = burnIn;
        this.drain = drain;
    }

    /**
     * Frames at the start of every trial that the Sensorium 2023 challenge's scores leave out (50, the challenge's;
     * fewer for recordings with shorter trials).
     */
    public RecordingReplay challengeSkipFrames(int frames) {
        if (frames < 0) {
            throw new IllegalArgumentException("--challenge-skip-frames must be >= 0, got " + frames);
        }
        this.challengeSkipFrames = frames;
        return this;
    }

    /**
     * @return the recording's synthetic mouse as a twin (see {@link GroundTruthTwin})
     * @throws IOException if the recording has no ground truth (a real mouse)
     */
    public SessionStepper groundTruthTwin() throws IOException {
        Path file = new RecordingLayout(recording).groundTruth();
        if (!java.nio.file.Files.exists(file)) {
            throw new IllegalArgumentException(recording + " has no " + file.getFileName()
                    + ": only a synthetic mouse's recording can be replayed through its ground truth");
        }
        return new GroundTruthTwin(io.twinloop.simulator.mouse.GroundTruth.read(file), statistics());
    }

    /** @return units of the recording */
    public int units() {
        return recorded.unitIds().length;
    }

    /**
     * Runs the service over {@code bootstrapServers}, replays, scores and writes the report.
     *
     * @return one line of JSON: frames, predictions, lost, the median scores and where the report is
     */
    public String run(String bootstrapServers, ServiceOptions options, SessionStepper stepper, String modelId,
                      Path reportDir) throws Exception {
        if (stepper.units() != units()) {
            stepper.close();
            throw new IllegalArgumentException("the model predicts " + stepper.units() + " units, the recording has "
                    + units() + ": give the checkpoint of this mouse");
        }
        TwinloopExtrasReader extras = new TwinloopExtrasReader(recording);
        SensoriumReader reader = new SensoriumReader(recording);
        int trials = recorded.trials().size();
        int frames = recorded.responses()[0].length;
        PredictionGrid grid = new PredictionGrid(trials, frames, units());
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        long sent = 0;
        try (TwinloopService service = TwinloopService.start(options, stepper, modelId);
             PredictionCollector collector = new PredictionCollector(bootstrapServers, grid::accept);
             KafkaProducer<String, byte[]> producer = RigProducer.create(bootstrapServers)) {
            service.awaitRunning(Duration.ofSeconds(120));
            collector.start(Duration.ofSeconds(60));
            RecordedTrialPublisher publisher = new RecordedTrialPublisher(new KafkaRigSink(producer), modelId,
                    ReplayedTrial.FRAME_RATE_HZ,
                    statistics(), realTime);
            try (ProgressBar bar = progress("replay: publish", trials)) {
                for (int i = 0; i < trials; i++) {
                    int trial = recorded.trials().get(i);
                    String session = "replay-" + run + "-trial-" + trial;
                    // Each trial at its own length: the challenge's scores use every frame of every trial, the
                    // other scores the frames all trials have.
                    ReplayedTrial inputs = ReplayedTrial.read(reader, extras, trial, reader.frames(trial));
                    grid.expect(session, i, inputs.frames().frames().length);
                    sent += publisher.publish(session, inputs.frames(), inputs.behaviour());
                    bar.step();
                }
            }
            producer.flush();
            // wait while predictions keep coming; give up after `drain` without any
            long lastProgress = System.nanoTime();
            long seen = -1;
            try (ProgressBar bar = progress("replay: predictions", sent)) {
                while (grid.filled() < sent && System.nanoTime() - lastProgress < drain.toNanos()) {
                    if (grid.filled() != seen) {
                        seen = grid.filled();
                        lastProgress = System.nanoTime();
                    }
                    bar.stepTo(seen);
                    Thread.sleep(100);
                }
                bar.stepTo(grid.filled());
            }
            collector.close();
            return report(reportDir, grid, collector.latency(), sent, reader);
        }
    }

    private String report(Path reportDir, PredictionGrid grid, LatencyBreakdown latency, long sent,
                          SensoriumReader reader) throws IOException {
        float[][][] ownLengths = grid.toArray();
        int common = recorded.responses()[0].length;
        float[][][] predictions = new float[ownLengths.length][][];
        for (int i = 0; i < ownLengths.length; i++) {
            predictions[i] = java.util.Arrays.copyOf(ownLengths[i], common);
            for (int t = ownLengths[i].length; t < common; t++) {
                predictions[i][t] = new float[units()];
                java.util.Arrays.fill(predictions[i][t], Float.NaN);  // a trial that had fewer frames to send
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        out.put("frames", sent);
        out.put("predictions", grid.filled());
        out.put("lost", sent - grid.filled());
        out.put("duplicated", grid.duplicates());
        if (grid.filled() < sent) {
            // a score over missing frames would be a silent wrong number: keep the predictions, no scores
            Npy.write(reportDir.resolve(ValidationReport.PREDICTIONS), io.twinloop.recordings.npy.NpyArray.ofFloats(
                    flatten(predictions), predictions.length, predictions[0].length, units()));
            out.put("error", "frames without predictions: no scores computed");
            return out.toString();
        }
        NeuronScores scores = new NeuronScorer(burnIn).score(recorded.against(predictions));
        ValidationReport.write(reportDir, new ReportInput("Replay of " + recording.getFileName(), recorded.unitIds(),
                predictions, recorded.responses(), scores, latency.histogram(LatencyBreakdown.Stage.TOTAL), burnIn));
        out.put("trials", predictions.length);
        out.put("units", units());
        out.put("median_single_trial_correlation", finiteMedian(scores.singleTrialCorrelation()));
        out.put("median_correlation_to_average", finiteMedian(scores.correlationToAverage()));
        out.put("median_cc_norm", finiteMedian(scores.ccNorm()));
        out.put("median_cc_max", finiteMedian(scores.ccMax()));
        out.set("challenge", io.twinloop.ops.validation.ChallengeReport.write(reportDir, reader, recorded.trials(), recorded.clipIds(),
                ownLengths, challengeSkipFrames));
        out.put("report", reportDir.resolve(ValidationReport.MARKDOWN).toString());
        return out.toString();
    }

    /**
     * The start message's standardisation: the recording's training-tier statistics, per channel (statistics
     * given per frame are pooled by the reader); none (mean 0, std 1) when the recording has none.
     */
    private RecordedTrialPublisher.Statistics statistics() throws IOException {
        SensoriumReader reader = new SensoriumReader(recording);
        double[] behaviourMean = orDefault(reader.statistic("behavior", "mean", 2), 0);
        double[] behaviourStd = orDefault(reader.statistic("behavior", "std", 2), 1);
        double[] pupilMean = orDefault(reader.statistic("pupil_center", "mean", 2), 0);
        double[] pupilStd = orDefault(reader.statistic("pupil_center", "std", 2), 1);
        return new RecordedTrialPublisher.Statistics(standardisation(pupilMean[0], pupilStd[0]),
                standardisation(pupilMean[1], pupilStd[1]), standardisation(behaviourMean[0], behaviourStd[0]),
                standardisation(behaviourMean[1], behaviourStd[1]));
    }

    private static double[] orDefault(double[] values, double fallback) {
        return values != null ? values : new double[] {fallback, fallback};
    }

    private static Standardisation standardisation(double mean, double std) {
        return Standardisation.newBuilder().setMean((float) mean).setStd((float) (std > 0 ? std : 1)).build();
    }

    private static double finiteMedian(double[] values) {
        return Moments.median(java.util.Arrays.stream(values).filter(Double::isFinite).toArray());
    }

    private static float[] flatten(float[][][] a) {
        int n = a.length;
        int t = a[0].length;
        int u = a[0][0].length;
        float[] out = new float[n * t * u];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < t; j++) {
                System.arraycopy(a[i][j], 0, out, (i * t + j) * u, u);
            }
        }
        return out;
    }

    private static ProgressBar progress(String task, long total) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
    }

}
