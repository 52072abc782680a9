package io.twinloop.ops.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.inference.training.EpochMetrics;
import io.twinloop.inference.training.NetworkTrainingModel;
import io.twinloop.ops.training.HeldOutEvaluation;
import io.twinloop.ops.training.MouseRecording;
import io.twinloop.ops.training.PeakMemory;
import io.twinloop.ops.training.TrainingRun;
import io.twinloop.ops.training.TwinExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * {@code twinloop train}: fits the twin to recorded mice and writes it as a {@code .twinloop} checkpoint that
 * {@code run} and {@code replay} serve. One recording: an individual model. Several: a cohort on one shared
 * core (a foundation core), one checkpoint per mouse. {@code --core} with {@code --freeze-core}: transfer, a
 * new mouse fitted on a trained core.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the twin on recorded mice (Poisson loss, SGD with Nesterov momentum, warm-up and cosine"
                + " decay, sampled readout positions) and write .twinloop checkpoints that run and replay serve."
                + " Prints one JSON line.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--recording", required = true, paramLabel = "DIR",
            description = "a mouse's recording (Sensorium 2023 layout, as released or from simulate), or a dataset root"
                    + " whose folders are mice (a cohort); repeat for a cohort")
    List<Path> recordings;

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "the checkpoint to write (one mouse: FILE.twinloop; a cohort: a directory of <mouse>.twinloop)")
    Path out;

    @Option(names = "--core", paramLabel = "FILE",
            description = "start from this checkpoint's core (a .twinloop, or fnn's params_core.pt with --model-config published)")
    Path core;

    @Option(names = "--freeze-core", description = "keep the core fixed; fit perspective, modulation and readout")
    boolean freezeCore;

    @Option(names = "--train-trials", defaultValue = "0",
            description = "use only the first N training trials of each mouse; 0: all (default: ${DEFAULT-VALUE})")
    int trainTrials;

    @Option(names = "--metrics", paramLabel = "CSV", description = "append each epoch's metrics to this CSV file")
    Path metrics;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "save the training state here after every epoch, and resume from it when it holds one")
    Path checkpointDir;

    @Option(names = "--score-tier", defaultValue = "final_test_main",
            description = "after training, score each mouse on this repeated tier per stimulus domain; none to skip"
                    + " (default: ${DEFAULT-VALUE})")
    String scoreTier;

    @Mixin
    TrainingOptions options;

    @Override
    public Integer call() throws Exception {
        options.configureThreads();
        options.checkNumerics("train");
        List<MouseRecording> mice = new ArrayList<>();
        for (Path recording : MouseRecording.mouseFolders(recordings)) {
            String name = recording.toAbsolutePath().normalize().getFileName().toString();
            boolean taken = mice.stream().anyMatch(m -> m.name().equals(name));
            mice.add(MouseRecording.open(recording, taken ? name + "-" + mice.size() : name));
        }
        TrainingRun run = new TrainingRun(options.configName, options.seed, options.config(), options.epochs, core,
                freezeCore, trainTrials, options.readoutStart);
        ObjectMapper json = new ObjectMapper();
        ObjectNode summary = json.createObjectNode();
        int status = GracefulStop.run("train", stopRequested -> train(run, mice, json, summary, stopRequested),
                checkpointDir == null
                        ? "nothing was written (with --checkpoint-dir a stopped run resumes from its last finished"
                                + " epoch)"
                        : checkpointDir + " holds the finished epochs: the same command resumes from it");
        if (status == 0) {
            System.out.println(json.writeValueAsString(summary));
        }
        return status;
    }

    private void train(TrainingRun run, List<MouseRecording> mice, ObjectMapper json, ObjectNode summary,
                       BooleanSupplier stopRequested) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingRun.Result result = run.run(mice, manager, metrics, checkpointDir, true,
                    m -> System.err.printf("epoch %d: lr %.4f training loss %.4f validation loss %.4f, %.2f clips/s%n",
                            m.cycle() * options.config().schedule().cycleSize() + m.epoch(), m.learningRate(),
                            m.trainingLoss(), m.validationLoss(), m.clipsPerSecond()), stopRequested);
            List<Path> written = new ArrayList<>();
            for (MouseRecording mouse : mice) {
                Path file = mice.size() == 1 ? out : out.resolve(mouse.name() + ".twinloop");
                NetworkTrainingModel model = result.model().mice().get(mouse.name());
                TwinExport.write(file, options.configName, model, provenance(json, mouse, result.epochs()));
                written.add(file);
                if (!scoreTier.equals("none")) {
                    ObjectNode scores = summary.withObject("/cc_norm").putObject(mouse.name());
                    List<HeldOutEvaluation.DomainScores> byDomain = new HeldOutEvaluation(options.burnin)
                            .score(model, mouse, scoreTier, manager);
                    for (HeldOutEvaluation.DomainScores s : byDomain) {
                        scores.put(s.domain(), round(s.ccNorm()));
                    }
                    if (byDomain.isEmpty()) {
                        scores.put("none", "the " + scoreTier + " responses are all zero (withheld, as in a released"
                                + " Sensorium test tier): score another tier with --score-tier");
                    }
                }
            }
            EpochMetrics last = result.epochs().isEmpty() ? null : result.epochs().get(result.epochs().size() - 1);
            summary.putPOJO("checkpoints", written.stream().map(Path::toString).toList());
            summary.put("epochs", result.epochs().size());
            if (last != null) {
                summary.put("training_loss", round(last.trainingLoss()));
                summary.put("validation_loss", round(last.validationLoss()));
            }
            summary.put("clips_per_second", round(result.medianClipsPerSecond()));
            summary.put("dropped_gradients", result.epochs().stream().mapToInt(EpochMetrics::droppedGradients).sum());
            summary.put("peak_rss_mb", PeakMemory.residentMegabytes());
        }
    }

    private ObjectNode provenance(ObjectMapper json, MouseRecording mouse, List<EpochMetrics> epochs) {
        ObjectNode p = json.createObjectNode();
        p.put("trained_by", "twinloop train");
        p.put("mouse", mouse.name());
        p.put("recording", mouse.root().toAbsolutePath().toString());
        p.putPOJO("cohort", recordings.stream().map(Path::toString).toList());
        p.put("core", core == null ? null : core.toString());
        p.put("core_frozen", freezeCore);
        p.put("train_trials", trainTrials);
        p.put("epochs", epochs.size());
        if (!epochs.isEmpty()) {
            p.put("validation_loss", epochs.get(epochs.size() - 1).validationLoss());
        }
        return p;
    }

    static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 10000) / 10000.0 : value;
    }
}
