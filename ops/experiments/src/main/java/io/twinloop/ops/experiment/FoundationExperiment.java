package io.twinloop.ops.experiment;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.inference.checkpoint.TwinloopCheckpoint;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.training.EpochMetrics;
import io.twinloop.inference.training.MetricsCsv;
import io.twinloop.inference.training.NetworkTrainingModel;
import io.twinloop.inference.training.TrainingConfig;
import io.twinloop.inference.training.TrainingStoppedException;
import io.twinloop.ops.training.HeldOutEvaluation;
import io.twinloop.ops.training.MouseRecording;
import io.twinloop.ops.training.PeakMemory;
import io.twinloop.ops.training.ReadoutInitialisation;
import io.twinloop.ops.training.TrainingRun;
import io.twinloop.ops.training.TwinExport;
import io.twinloop.simulator.mouse.GroundTruth;
import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.recordings.sensorium.RecordingLayout;
import io.twinloop.simulator.recording.RecordingPlan;
import io.twinloop.simulator.recording.SessionRecorder;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The paper's Fig. 3 on synthetic mice: a core trained on a cohort of mice (the foundation core), frozen, with a
 * new mouse's perspective, modulation and readout fitted on a few minutes of its data, against the same network
 * trained from scratch on the same data; at several amounts of data, scored on held-out natural movies and on
 * two domains neither model was trained on.
 *
 * <p>All mice are recorded here: the cohort and the new mouse are trained on natural movies only; the new mouse's
 * test clips come from {@link #TEST_DOMAINS} in equal numbers, each repeated, so CC_norm is defined per domain.
 */
public final class FoundationExperiment {

    /** The domains the new mouse is tested on: the training domain first. */
    public static final List<String> TEST_DOMAINS = List.of("natural-movies", "drifting-gabor",
            "directional-pink-noise");
    static final String TEST_TIER = "final_test_main";
    public static final String FOUNDATION = "foundation";
    public static final String INDIVIDUAL = "individual";
    static final String CORE_FILE = "foundation-core.twinloop";
    static final String CORE_CHECKPOINTS = "core-checkpoints";
    private static final int FRAMES_PER_TRIAL = 300;
    /** leading frames of every test trial left out of the scores, as replay leaves them out by default */
    private static final int SCORE_BURN_IN_FRAMES = 10;

    /**
     * @param cohort            mice that train the foundation core
     * @param cohortTrials      training trials (10 s each) per cohort mouse
     * @param amounts           training trials of the new mouse to fit on, one fit per amount and model
     * @param neurons           neurons of the new mouse
     * @param cohortNeurons     neurons per cohort mouse: a foundation core learns from every neuron of the cohort,
     *                          as the paper's cohort of fully recorded scans
     * @param testClipsPerDomain distinct test clips per domain, each shown {@code repeats} times
     * @param coreEpochs        epochs of the cohort training
     * @param fitEpochs         epochs of every fit of the new mouse
     * @param fitSeeds          fits per model and amount, each from its own initialisation and clip draws, so that
     *                          each comparison has a spread: at scores near zero one fit per cell is noise
     */
    public record Settings(int cohort, int cohortTrials, List<Integer> amounts, int neurons, int cohortNeurons,
                           int testClipsPerDomain,
                           int repeats, int coreEpochs, int fitEpochs, int fitSeeds, String configName, long seed,
                           ReadoutInitialisation readout) {

        public Settings {
            if (fitSeeds < 1) {
                throw new IllegalArgumentException("fit seeds " + fitSeeds + ": need at least 1");
            }
            if (amounts.isEmpty() || amounts.stream().anyMatch(a -> a < 1)) {
                throw new IllegalArgumentException("amounts " + amounts + ": need one or more positive trial counts");
            }
            if (amounts.stream().distinct().count() < amounts.size()) {
                // picocli adds the values of an option given twice to its list: the same fit would run twice
                throw new IllegalArgumentException("amounts " + amounts + ": an amount is given twice (an --amounts"
                        + " given twice adds to the first); give each once");
            }
        }
    }

    private final Settings settings;
    private final TrainingConfig coreTraining;
    private final TrainingConfig fitTraining;
    private final ObjectMapper json = new ObjectMapper();
    private BooleanSupplier stopRequested = () -> false;

    public FoundationExperiment(Settings settings, TrainingConfig coreTraining, TrainingConfig fitTraining) {
        this.settings = settings;
        this.coreTraining = coreTraining;
        this.fitTraining = fitTraining;
    }

    /**
     * Stops between two batches of the core or a fit, or between two fits, once {@code requested} says so, with a
     * {@link TrainingStoppedException}. The core resumes from its last finished epoch; a finished fit is kept and an
     * unfinished one starts again.
     */
    public FoundationExperiment stopWhen(BooleanSupplier requested) {
        this.stopRequested = requested;
        return this;
    }

    /** Runs every stage into {@code out}: recordings, core, fits, then results.csv, summary.json and plots. */
    public ObjectNode run(Path out) throws IOException {
        trainCore(out);
        fits(out, List.of(FOUNDATION, INDIVIDUAL));
        return report(out);
    }

    /**
     * Stage 1: records the cohort and the new mouse (unless already recorded in {@code out}) and trains the
     * foundation core on the cohort (unless {@code out} holds it), resuming from {@code out/core-checkpoints} when
     * an earlier run was stopped.
     */
    public void trainCore(Path out) throws IOException {
        Files.createDirectories(out);
        List<MouseRecording> cohort = new ArrayList<>();
        for (int i = 0; i < settings.cohort(); i++) {
            Path root = out.resolve("recordings").resolve("cohort-" + i);
            cohort.add(record(root, "cohort-" + i, settings.seed() + 100 + i, settings.cohortNeurons(),
                    new RecordingPlan(settings.cohortTrials(), 2, 0, 3, FRAMES_PER_TRIAL, naturalMovies())));
        }
        int maxAmount = settings.amounts().stream().mapToInt(Integer::intValue).max().orElseThrow();
        record(newMouseRoot(out), "new-mouse", settings.seed() + 200, settings.neurons(),
                new RecordingPlan(maxAmount, 2, settings.testClipsPerDomain() * TEST_DOMAINS.size(), settings.repeats(),
                        FRAMES_PER_TRIAL, naturalMovies(), TEST_DOMAINS));
        Path core = out.resolve(CORE_FILE);
        if (Files.exists(core)) {
            requireSameTraining(core, coreTrainingDescription(), TwinloopCheckpoint.read(core).metadata()
                    .path(TRAINING).asText(null));
            return;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingRun run = new TrainingRun(settings.configName(), settings.seed(), coreTraining,
                    settings.coreEpochs(), null, false, 0, settings.readout());
            // saved after every epoch: a core that takes longer than a sitting resumes where it stopped
            TrainingRun.Result result = run.run(cohort, manager, out.resolve("metrics-cohort.csv"),
                    out.resolve(CORE_CHECKPOINTS), true, FoundationExperiment::log, stopRequested);
            ObjectNode metadata = json.createObjectNode().put("trained_by", "twinloop experiment")
                    .put("cohort", settings.cohort())
                    .put("cohort_neurons", settings.cohortNeurons()).put(TRAINING, coreTrainingDescription())
                    .put("peak_rss_mb", PeakMemory.residentMegabytes())
                    .put("clips_per_second", result.medianClipsPerSecond());
            ArrayNode recovery = metadata.putArray("receptive_field_recovery");
            for (MouseRecording mouse : cohort) {
                ReceptiveFieldRecovery r = receptiveFields(result.model().mice().get(mouse.name()), mouse);
                System.err.printf("%s: readout positions against the true receptive-field centres: r = %.3f (x), "
                        + "%.3f (y)%n", mouse.name(), r.horizontal(), r.vertical());
                recovery.addObject().put("mouse", mouse.name()).put("x", r.horizontal()).put("y", r.vertical());
            }
            TwinExport.write(core, settings.configName(), result.model().mice().get(cohort.get(0).name()), metadata);
        }
    }

    /**
     * Stage 2: fits the new mouse with each of {@code models} ({@link #FOUNDATION}: on the frozen core;
     * {@link #INDIVIDUAL}: from scratch) at every amount of data; each fit's model, metrics and scores are saved
     * in {@code out}, so that fits may run in separate processes. A fit whose scores are already in {@code out}
     * is not repeated.
     */
    public void fits(Path out, List<String> models) throws IOException {
        MouseRecording newMouse = MouseRecording.open(newMouseRoot(out), "new-mouse");
        for (String model : models) {
            if (!model.equals(FOUNDATION) && !model.equals(INDIVIDUAL)) {
                throw new IllegalArgumentException("model '" + model + "': use " + FOUNDATION + " or " + INDIVIDUAL);
            }
        }
        for (int seedIndex = 0; seedIndex < settings.fitSeeds(); seedIndex++) {
            for (int amount : settings.amounts()) {
                for (String model : models) {
                    FitKey key = new FitKey(model, amount, seedIndex);
                    if (Files.exists(key.scores(out))) {
                        String made = json.readValue(key.scores(out).toFile(), FitResult.class).training();
                        requireSameTraining(key.scores(out), fitTrainingDescription(key, out), made);
                        System.err.printf("%s: kept, %s exists%s%n", key.name(), key.scores(out),
                                made == null ? " (written before fits recorded their settings: not checked)" : "");
                        continue;
                    }
                    if (stopRequested.getAsBoolean()) {
                        throw new TrainingStoppedException("stopped before the fit " + key.name());
                    }
                    FitResult fit = fit(newMouse, key, model.equals(FOUNDATION) ? out.resolve(CORE_FILE) : null, out);
                    json.writerWithDefaultPrettyPrinter().writeValue(key.scores(out).toFile(), fit);
                }
            }
        }
    }

    /** Stage 3: gathers the saved fits into results.csv, summary.json and the plots. */
    public ObjectNode report(Path out) throws IOException {
        List<FitResult> fits = new ArrayList<>();
        for (int seedIndex = 0; seedIndex < settings.fitSeeds(); seedIndex++) {
            for (int amount : settings.amounts()) {
                for (String model : List.of(FOUNDATION, INDIVIDUAL)) {
                    Path file = new FitKey(model, amount, seedIndex).scores(out);
                    if (Files.exists(file)) {
                        fits.add(json.readValue(file.toFile(), FitResult.class));
                    }
                }
            }
        }
        List<EpochMetrics> coreCurve = new MetricsCsv(out.resolve("metrics-cohort.csv")).read();
        writeResults(out.resolve("results.csv"), fits);
        ReferenceLosses references = ReferenceLosses.of(newMouseRoot(out), fitTraining.burninFrames());
        FoundationCharts.write(out, settings.amounts(), fits, coreCurve, references);
        ObjectNode summary = json.createObjectNode();
        summary.putObject("new_mouse_validation_loss_references").put("perfect_twin", references.perfectTwin())
                .put("constant_rate_per_unit", references.constantRate());
        if (Files.exists(out.resolve(CORE_FILE))) {
            summary.set("core", TwinloopCheckpoint.read(out.resolve(CORE_FILE)).metadata());
        }
        GroundTruth newMouseTruth = GroundTruth.read(new RecordingLayout(newMouseRoot(out)).groundTruth());
        summary.set("foundation_vs_individual", json.valueToTree(FitComparison.of(fits, settings.amounts())));
        ArrayNode rows = summary.putArray("fits");
        for (FitResult f : fits) {
            ObjectNode row = rows.addObject().put("model", f.model()).put("train_trials", f.amount())
                    .put("seed_index", f.seedIndex())
                    .put("train_minutes", f.amount() * FRAMES_PER_TRIAL / 30.0 / 60.0)
                    .put("clips_per_second", f.clipsPerSecond()).put("peak_rss_mb", f.peakRssMb())
                    .put("kept_epoch", f.keptEpoch()).put(TRAINING, f.training());
            Path model = new FitKey(f.model(), f.amount(), f.seedIndex()).model(out);
            if (Files.exists(model)) {
                ReceptiveFieldRecovery r = ReceptiveFieldRecovery.of(TwinloopCheckpoint.read(model), newMouseTruth);
                row.putObject("receptive_field_recovery").put("x", r.horizontal()).put("y", r.vertical());
            }
            for (HeldOutEvaluation.DomainScores s : f.scores()) {
                row.putObject(s.domain()).put("cc_norm", s.ccNorm()).put("cc_abs", s.ccAbs()).put("cc_max", s.ccMax())
                        .put("perfect_twin_cc_norm", s.perfectCcNorm());
            }
        }
        json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("summary.json").toFile(), summary);
        return summary;
    }

    /** the key under which a core's metadata and a fit's scores record how they were trained */
    static final String TRAINING = "training";

    private String coreTrainingDescription() {
        return settings.configName() + " network, " + settings.cohort() + " mice of " + settings.cohortTrials()
                + " trials, seed " + settings.seed() + ", " + settings.coreEpochs() + " epochs of "
                + coreTraining.describe() + "; readout start " + settings.readout();
    }

    /** @return how {@code key} is fitted: its seed, the fits' settings and, on the frozen core, the core's own */
    private String fitTrainingDescription(FitKey key, Path out) throws IOException {
        String onCore = "";
        if (key.model().equals(FOUNDATION) && Files.exists(out.resolve(CORE_FILE))) {
            onCore = "; on a core of " + TwinloopCheckpoint.read(out.resolve(CORE_FILE)).metadata().path(TRAINING)
                    .asText("unrecorded settings");
        }
        return settings.configName() + " network, seed " + fitSeed(key) + ", " + settings.fitEpochs() + " epochs of "
                + fitTraining.describe() + "; readout start " + settings.readout()
                + "; the epoch of lowest loss on the same validation clips kept" + onCore;
    }

    /**
     * Refuses to reuse {@code file} when it records other settings than these: a rerun in the same {@code --out}
     * with, say, another learning rate must not report the old result as its own. A file from before results recorded
     * their settings ({@code made} null) is reused.
     */
    private static void requireSameTraining(Path file, String wanted, String made) {
        if (made != null && !made.equals(wanted)) {
            throw new IllegalArgumentException(file + " was trained with other settings.\n  it: " + made
                    + "\n  now: " + wanted + "\nUse another --out, or remove the file to train it again.");
        }
    }

    private long fitSeed(FitKey key) {
        // seed index 0 keeps the seed a run with one seed per fit used
        return settings.seed() + key.amount() + 1000L * key.seedIndex();
    }

    private static Path newMouseRoot(Path out) {
        return out.resolve("recordings").resolve("new-mouse");
    }

    /**
     * One fit's files in the experiment's directory: the first seed keeps the names of a run with one seed per fit
     * ({@code individual-16.twinloop}), the others add their index ({@code individual-16-seed1.twinloop}).
     */
    private record FitKey(String model, int amount, int seedIndex) {

        String name() {
            return model + "-" + amount + (seedIndex == 0 ? "" : "-seed" + seedIndex);
        }

        Path scores(Path out) {
            return out.resolve("fit-" + name() + ".json");
        }

        Path model(Path out) {
            return out.resolve(name() + ".twinloop");
        }

        Path metrics(Path out) {
            return out.resolve("metrics-" + name() + ".csv");
        }
    }

    /**
     * One fit of the new mouse and its held-out scores.
     *
     * @param seedIndex which of the fits of this model and amount (0: the first; absent in a file written before
     *                  fits had several seeds, which reads as 0)
     * @param keptEpoch the epoch (index in {@code curve}) whose parameters were scored: the one with the lowest
     *                  validation loss (null in a file written before fits kept their best epoch: the last)
     * @param training  how it was fitted, in words (null in a file written before fits recorded it)
     */
    record FitResult(String model, int amount, int seedIndex, List<EpochMetrics> curve,
                     List<HeldOutEvaluation.DomainScores> scores, double clipsPerSecond, long peakRssMb,
                     Integer keptEpoch, String training) {
    }

    private FitResult fit(MouseRecording mouse, FitKey key, Path core, Path out) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            long seed = fitSeed(key);
            String training = fitTrainingDescription(key, out);
            TrainingRun run = new TrainingRun(settings.configName(), seed, fitTraining,
                    settings.fitEpochs(), core, core != null, key.amount(), settings.readout()).keepingBestEpoch();
            // a fit does not resume: a stopped one starts again, so its metrics start again too
            Files.deleteIfExists(key.metrics(out));
            TrainingRun.Result result = run.run(List.of(mouse), manager, key.metrics(out), null, true,
                    FoundationExperiment::log, stopRequested);
            var trained = result.model().mice().get(mouse.name());
            TwinExport.write(key.model(out), settings.configName(), trained,
                    json.createObjectNode().put("trained_by", "twinloop experiment foundation")
                            .put("model", key.model()).put("train_trials", key.amount()).put("seed", seed));
            List<HeldOutEvaluation.DomainScores> scores = new HeldOutEvaluation(SCORE_BURN_IN_FRAMES)
                    .score(trained, mouse, TEST_TIER, manager);
            System.err.printf("%s, %d trials, seed %d, epoch %d of %d kept (lowest validation loss %.4f): %s%n",
                    key.model(), key.amount(), seed, result.keptEpoch() + 1, result.epochs().size(),
                    result.epochs().get(result.keptEpoch()).validationLoss(), FoundationCharts.describe(scores));
            return new FitResult(key.model(), key.amount(), key.seedIndex(), result.epochs(), scores,
                    result.medianClipsPerSecond(), PeakMemory.residentMegabytes(), result.keptEpoch(), training);
        }
    }

    private static ReceptiveFieldRecovery receptiveFields(NetworkTrainingModel model, MouseRecording mouse)
            throws IOException {
        return ReceptiveFieldRecovery.of(model.tensors().get(Network.POSITION_MEAN_KEY).toFloatArray(),
                GroundTruth.read(new RecordingLayout(mouse.root()).groundTruth()).neurons());
    }

    /** Records the mouse unless an earlier run of the experiment did, and opens it. */
    private static MouseRecording record(Path root, String name, long seed, int neurons, RecordingPlan plan)
            throws IOException {
        if (!Files.isRegularFile(root.resolve("twinloop").resolve("session.json"))) {
            SessionRecorder.recordSimulated(root, seed, plan, MouseConfig.defaults().withNeurons(neurons), true);
        }
        MouseRecording recording = MouseRecording.open(root, name);
        // an earlier run's recording is reused, so it must be the mouse these settings ask for
        if (recording.units() != neurons) {
            throw new IllegalArgumentException(root + " was recorded with " + recording.units()
                    + " neurons, and these settings ask for " + neurons
                    + ": use another --out, or the neuron counts it was recorded with");
        }
        return recording;
    }

    private static Map<String, Double> naturalMovies() {
        return Map.of("natural-movies", 1.0);
    }

    private static void writeResults(Path file, List<FitResult> fits) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("model,train_trials,seed_index,domain,cc_norm,cc_abs,cc_max,perfect_twin_cc_norm");
            for (FitResult f : fits) {
                for (HeldOutEvaluation.DomainScores s : f.scores()) {
                    w.printf("%s,%d,%d,%s,%.4f,%.4f,%.4f,%.4f%n", f.model(), f.amount(), f.seedIndex(), s.domain(),
                            s.ccNorm(), s.ccAbs(), s.ccMax(), s.perfectCcNorm());
                }
            }
        }
    }

    private static void log(EpochMetrics m) {
        System.err.printf("  cycle %d epoch %d: lr %.4f training loss %.4f validation loss %.4f, %.2f clips/s%n",
                m.cycle(), m.epoch(), m.learningRate(), m.trainingLoss(), m.validationLoss(), m.clipsPerSecond());
    }
}
