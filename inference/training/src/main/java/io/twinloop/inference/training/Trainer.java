package io.twinloop.inference.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.training.data.BatchPrefetcher;
import io.twinloop.inference.training.data.ClipBatch;
import io.twinloop.inference.training.data.ClipRequest;
import io.twinloop.inference.training.data.ClipSampler;
import io.twinloop.inference.training.data.TrialSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Trains a {@link TrainableModel} as fnn's {@code RandomOptimizer.optimize} does, epoch by epoch:
 * the epoch's seed and learning rate come from the {@link CosineSchedule}; every training batch of
 * clips runs from a fresh state through all its frames, the Poisson loss after the burn-in is
 * back-propagated and the {@link Optimiser} (fnn's {@link NesterovSgd}, or {@link Adam}) steps;
 * validation batches follow without gradients, on the same clips every epoch (drawn once from the run's seed;
 * fnn draws new ones each epoch), so that one epoch's validation loss compares with another's.
 *
 * <p>All randomness of an epoch (clip draws, stream draws, the engine's RNG for sampled readout
 * positions) is seeded from the epoch's seed alone, so a run resumed from a checkpoint continues
 * exactly as the uninterrupted run would. Parameters under a frozen module prefix neither receive
 * gradients nor move (transfer: freeze {@code core} and fit the rest for a new mouse).
 *
 * <p>A parameter whose gradient in a batch is NaN or infinite does not move on that batch (the others
 * do); such drops are counted in the epoch's metrics and logged with the parameters' names. A safety net:
 * the one cause seen, DJL's scalar operations reading freed memory in the backward pass, is fixed in
 * {@code model/Scalars} (docs/training.md).
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** offsets the validation draw's seed from the first epoch's training draw */
    private static final long VALIDATION_DRAW = 1_000_003;
    /**
     * test hook ({@code -Dtwinloop.test.gcBeforeBackward=true}): a full garbage collection between each batch's
     * forward and backward pass, so that a tensor whose memory Java freed while autograd still holds it is read
     * after it was freed, every time (docs/numerics.md)
     */
    private static final boolean GC_BEFORE_BACKWARD = Boolean.getBoolean("twinloop.test.gcBeforeBackward");

    static {
        if (GC_BEFORE_BACKWARD) {
            LoggerFactory.getLogger(Trainer.class).warn("test hook: System.gc() between forward and backward");
        }
    }

    private final TrainableModel model;
    private final TrainingConfig config;
    private final ClipSampler sampler;
    private final NDManager manager;
    private final Optimiser optimizer;
    private final ClipObjective objective;
    private final List<List<ClipRequest>> validationPlan;
    private final Set<String> frozenPrefixes = new LinkedHashSet<>();
    private final List<Consumer<EpochMetrics>> listeners = new ArrayList<>();
    private BooleanSupplier stopRequested = () -> false;
    private SchedulePosition position = SchedulePosition.start();
    private Path checkpointDirectory;
    private MetricsCsv metricsCsv;
    private boolean showProgress;

    /**
     * @param manager holds the optimiser state; the model's parameters may live elsewhere
     * @throws IOException when the trials' headers cannot be read
     */
    public Trainer(TrainableModel model, TrialSource trials, TrainingConfig config, NDManager manager) throws IOException {
        this.model = model;
        this.config = config;
        this.sampler = new ClipSampler(trials, config.clipLength(), config.batchSize());
        this.manager = manager;
        this.optimizer = config.optimiser().create(manager);
        this.objective = new ClipObjective(model, config.burninFrames());
        // the same clips every epoch, so that epochs compare (fnn draws new ones each epoch): kept from the run's
        // seed alone, a resumed run validates on them too
        this.validationPlan = sampler.plan(new Random(config.seed() + VALIDATION_DRAW), false,
                config.validationBatches());
        if (!sampler.hasTrials(true) && config.trainingBatches() > 0) {
            throw new IllegalArgumentException("no training trials to draw clips from");
        }
        updateGradientFlags();
    }

    /** Freezes every parameter under these module prefixes (e.g. {@code core}, {@code modulation.lstm}). */
    public Trainer freeze(String... modulePrefixes) {
        frozenPrefixes.addAll(List.of(modulePrefixes));
        updateGradientFlags();
        return this;
    }

    /** Saves a checkpoint into {@code directory} after every epoch. */
    public Trainer checkpointTo(Path directory) {
        this.checkpointDirectory = directory;
        return this;
    }

    /** Appends each epoch's metrics to a CSV file. */
    public Trainer metricsTo(Path csv) {
        this.metricsCsv = new MetricsCsv(csv);
        return this;
    }

    /** Calls {@code listener} with each epoch's metrics. */
    public Trainer onEpoch(Consumer<EpochMetrics> listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Stops between two batches, training or validation, once {@code requested} says so, by throwing a
     * {@link TrainingStoppedException}: the epoch under way is abandoned, and neither metrics nor a checkpoint are
     * written for it. The check is between batches because a stop inside libtorch (the JVM's exit on Ctrl-C) crashes
     * the process.
     */
    public Trainer stopWhen(BooleanSupplier requested) {
        this.stopRequested = requested;
        return this;
    }

    /** Shows a console progress bar over each epoch's training batches. */
    public Trainer showProgress(boolean show) {
        this.showProgress = show;
        return this;
    }

    /** @return position of the next epoch */
    public SchedulePosition position() {
        return position;
    }

    /** @return the parameters that train (not frozen) */
    public List<TrainableParameter> trainableParameters() {
        return model.parameters().stream().filter(p -> !isFrozen(p)).toList();
    }

    /** Runs {@code epochs} epochs. */
    public List<EpochMetrics> run(int epochs) throws IOException {
        List<EpochMetrics> out = new ArrayList<>();
        for (int i = 0; i < epochs; i++) {
            out.add(runEpoch());
        }
        return out;
    }

    /** Runs one epoch: training batches, validation batches, metrics, checkpoint. */
    public EpochMetrics runEpoch() throws IOException {
        CosineSchedule schedule = config.schedule();
        long seed = config.seed() + schedule.seed(position);
        double learningRate = schedule.learningRate(config.peakLearningRate(), position);
        Random random = new Random(seed);
        Engine.getInstance().setRandomSeed((int) seed);

        List<List<ClipRequest>> trainingPlan = sampler.plan(random, true, config.trainingBatches());
        Integer[] streams = new Integer[trainingPlan.size()];
        for (int b = 0; b < streams.length; b++) {
            streams[b] = config.sampleStream() ? random.nextInt(model.streams()) : null;
        }

        long started = System.nanoTime();
        List<TrainableParameter> trainable = trainableParameters();
        double lossSum = 0;
        double normSum = 0;
        int dropped = 0;
        int droppedBatches = 0;
        List<String> lastDropped = List.of();
        try (BatchPrefetcher batches = new BatchPrefetcher(sampler, trainingPlan);
             EpochProgress progress = EpochProgress.start(showProgress, position, trainingPlan.size())) {
            for (int b = 0; batches.hasNext(); b++) {
                stopIfRequested(b, trainingPlan.size(), "training");
                ClipBatch batch = batches.next();
                try (NDScope scope = new NDScope(); NDManager batchManager = manager.newSubManager()) {
                    double batchLoss;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = objective.loss(batch, streams[b], true, batchManager);
                        batchLoss = finite(loss.getFloat(), "training");
                        if (GC_BEFORE_BACKWARD) {
                            System.gc();
                        }
                        collector.backward(loss);
                    }
                    Optimiser.StepReport report = optimizer.step(trainable, learningRate, true);
                    normSum += report.gradientNorm();
                    lossSum += batchLoss;
                    if (!report.droppedGradients().isEmpty()) {
                        dropped += report.droppedGradients().size();
                        droppedBatches++;
                        lastDropped = report.droppedGradients();
                    }
                    progress.batchDone(batchLoss);
                }
            }
        }
        double trainingSeconds = (System.nanoTime() - started) / 1e9;
        double validationLoss = validate(validationPlan);
        double seconds = (System.nanoTime() - started) / 1e9;

        if (droppedBatches > 0) {
            LOG.warn("cycle {} epoch {}: {} of {} batches had non-finite gradients, dropped for those parameters"
                    + " (last: {})", position.cycle(), position.epoch(), droppedBatches, trainingPlan.size(), lastDropped);
        }
        int batchCount = trainingPlan.size();
        EpochMetrics metrics = new EpochMetrics(position.cycle(), position.epoch(), learningRate, seed,
                batchCount == 0 ? Double.NaN : lossSum / batchCount,
                validationLoss, batchCount == 0 ? Double.NaN : normSum / batchCount, dropped,
                batchCount * config.batchSize() / Math.max(trainingSeconds, 1e-9), seconds);
        position = schedule.next(position);
        if (metricsCsv != null) {
            metricsCsv.append(metrics);
        }
        if (checkpointDirectory != null) {
            save(checkpointDirectory);
        }
        LOG.info("cycle {} epoch {}: lr {} training loss {} validation loss {} grad norm {} ({} clips/s)",
                metrics.cycle(), metrics.epoch(), learningRate, metrics.trainingLoss(), validationLoss,
                metrics.gradientNorm(), String.format("%.1f", metrics.clipsPerSecond()));
        listeners.forEach(l -> l.accept(metrics));
        return metrics;
    }

    /** Writes parameters, the optimiser's state and the position of the next epoch into {@code directory}. */
    public void save(Path directory) throws IOException {
        TrainingCheckpoint.save(directory, position, List.copyOf(frozenPrefixes), model.parameters(),
                optimizer.state());
    }

    /**
     * Continues from a checkpoint: copies its parameters into the model's tensors, restores the
     * optimiser's state and the schedule position. Freeze the same prefixes as the run that saved it, before.
     *
     * @throws IOException naming the parameter when the checkpoint lacks one or its shape differs, or
     *                     when the checkpoint's run froze other modules or used another optimiser
     */
    public void resume(Path directory) throws IOException {
        TrainingCheckpoint checkpoint = TrainingCheckpoint.load(directory, manager);
        if (!Set.copyOf(checkpoint.frozen()).equals(frozenPrefixes)) {
            discard(checkpoint);
            throw new IOException(directory + ": saved by a run that froze " + checkpoint.frozen()
                    + ", this trainer freezes " + frozenPrefixes);
        }
        // first, so that a checkpoint of another optimiser is refused before any parameter changes
        try {
            optimizer.restore(checkpoint.momentum());
        } catch (IllegalArgumentException e) {
            discard(checkpoint);
            throw new IOException(directory + ": " + e.getMessage(), e);
        }
        try (NoGrad noGrad = new NoGrad()) {
            for (TrainableParameter p : model.parameters()) {
                NDArray saved = checkpoint.parameters().get(p.name());
                if (saved == null) {
                    throw new IOException(directory + ": no parameter " + p.name());
                }
                if (!saved.getShape().equals(p.value().getShape())) {
                    throw new IOException(directory + ": parameter " + p.name() + " has shape " + saved.getShape()
                            + ", the model has " + p.value().getShape());
                }
                p.value().set(new NDIndex("..."), saved.toType(p.value().getDataType(), false));
                saved.close();
            }
        }
        position = checkpoint.next();
    }

    private static void discard(TrainingCheckpoint checkpoint) {
        checkpoint.parameters().values().forEach(NDArray::close);
        checkpoint.momentum().values().forEach(NDArray::close);
    }

    private double validate(List<List<ClipRequest>> plan) {
        if (plan.isEmpty()) {
            return Double.NaN;
        }
        double sum = 0;
        try (NoGrad noGrad = new NoGrad(); BatchPrefetcher batches = new BatchPrefetcher(sampler, plan)) {
            for (int b = 0; batches.hasNext(); b++) {
                stopIfRequested(b, plan.size(), "validation");
                ClipBatch batch = batches.next();
                try (NDScope scope = new NDScope(); NDManager batchManager = manager.newSubManager()) {
                    sum += finite(objective.loss(batch, null, false, batchManager).getFloat(), "validation");
                }
            }
        }
        return sum / plan.size();
    }

    private void stopIfRequested(int done, int batches, String kind) {
        if (stopRequested.getAsBoolean()) {
            throw new TrainingStoppedException(position, "after " + done + " of " + batches + " " + kind + " batches");
        }
    }

    private void updateGradientFlags() {
        for (TrainableParameter p : model.parameters()) {
            p.value().setRequiresGradient(!isFrozen(p));
        }
    }

    private boolean isFrozen(TrainableParameter p) {
        return frozenPrefixes.stream().anyMatch(p::isUnder);
    }

    private static double finite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("non-finite " + what + " objective: " + value);
        }
        return value;
    }

    /** @return the optimiser's state: SGD's momentum buffers, Adam's moments (for inspection) */
    Map<String, NDArray> momentumBuffers() {
        return optimizer.state();
    }
}
