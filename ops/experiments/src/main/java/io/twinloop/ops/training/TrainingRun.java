package io.twinloop.ops.training;

import ai.djl.ndarray.NDManager;
import io.twinloop.inference.training.BestValidationEpoch;
import io.twinloop.inference.training.CohortTrainingModel;
import io.twinloop.inference.training.EpochMetrics;
import io.twinloop.inference.training.Trainer;
import io.twinloop.inference.training.TrainingConfig;
import io.twinloop.inference.training.data.CohortTrials;
import io.twinloop.inference.training.data.TrainingSubset;
import io.twinloop.inference.training.data.TrialSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One training run: the mice's recordings (at most {@code trainTrials} training trials each), a model on one
 * core (initialised, or with the core of a checkpoint, optionally frozen), trained for a number of epochs.
 *
 * @param configName  the architecture, {@code small} or {@code published}
 * @param seed        seeds the initialisation (the training config seeds the draws)
 * @param training    optimiser, schedule, clips and batches
 * @param epochs      epochs to run
 * @param core        checkpoint to take the core from, or null to initialise it
 * @param freezeCore  keep the core as it is and fit perspective, modulation and readout (transfer)
 * @param trainTrials training trials to use per mouse (the first ones), or 0 for all
 * @param readout     how each mouse's readout starts ({@link ReadoutInitialisation#AUTO}: from the responses on a
 *                    frozen core)
 * @param keepBestEpoch end with the parameters of the epoch with the lowest validation loss
 *                    ({@link BestValidationEpoch}) instead of the last epoch's
 */
public record TrainingRun(String configName, long seed, TrainingConfig training, int epochs, Path core,
                          boolean freezeCore, int trainTrials, ReadoutInitialisation readout, boolean keepBestEpoch) {

    /** A run that ends with its last epoch's parameters. */
    public TrainingRun(String configName, long seed, TrainingConfig training, int epochs, Path core, boolean freezeCore,
                       int trainTrials, ReadoutInitialisation readout) {
        this(configName, seed, training, epochs, core, freezeCore, trainTrials, readout, false);
    }

    /** @return this run, ending with the parameters of its epoch with the lowest validation loss */
    public TrainingRun keepingBestEpoch() {
        return new TrainingRun(configName, seed, training, epochs, core, freezeCore, trainTrials, readout, true);
    }

    public TrainingRun {
        if (epochs < 1) {
            throw new IllegalArgumentException("train for at least one epoch");
        }
        if (freezeCore && core == null) {
            throw new IllegalArgumentException("freezing the core needs a core to start from (--core)");
        }
    }

    /**
     * What a run produced: the trained model and each epoch's metrics.
     *
     * @param keptEpoch the index in {@code epochs} of the epoch whose parameters the model holds: the last, or with
     *                  {@link #keepBestEpoch()} the one with the lowest validation loss
     */
    public record Result(CohortTrainingModel model, List<EpochMetrics> epochs, int keptEpoch) {

        /** @return the median over epochs of training clips per second (the upper one of an even count) */
        public double medianClipsPerSecond() {
            return epochs.stream().mapToDouble(EpochMetrics::clipsPerSecond).sorted().skip(epochs.size() / 2)
                    .findFirst().orElse(Double.NaN);
        }
    }

    /**
     * @param metricsCsv  where to append each epoch's metrics, or null
     * @param checkpoints where to save (and resume from, when it holds a checkpoint) after every epoch, or null
     * @param stopRequested checked between batches ({@link Trainer#stopWhen}); null: never stop early
     * @throws io.twinloop.inference.training.TrainingStoppedException when {@code stopRequested} said so
     */
    public Result run(List<MouseRecording> mice, NDManager manager, Path metricsCsv, Path checkpoints,
                      boolean showProgress, Consumer<EpochMetrics> onEpoch, BooleanSupplier stopRequested)
            throws IOException {
        Map<String, TrialSource> sources = new LinkedHashMap<>();
        for (MouseRecording mouse : mice) {
            sources.put(mouse.name(), trainTrials > 0 ? new TrainingSubset(mouse.trials(), trainTrials) : mouse.trials());
        }
        CohortTrainingModel model = TwinModels.build(configName, mice, seed, core, trainTrials, manager);
        if (readout.resolve(freezeCore) == ReadoutInitialisation.RESPONSES && !resuming(checkpoints)) {
            TwinModels.startReadouts(model, sources, training);
        }
        Trainer trainer = new Trainer(model, new CohortTrials(sources), training, manager).showProgress(showProgress);
        if (freezeCore) {
            trainer.freeze(CohortTrainingModel.CORE);
        }
        if (metricsCsv != null) {
            trainer.metricsTo(metricsCsv);
        }
        if (onEpoch != null) {
            trainer.onEpoch(onEpoch);
        }
        if (stopRequested != null) {
            trainer.stopWhen(stopRequested);
        }
        if (checkpoints != null) {
            if (resuming(checkpoints)) {
                trainer.resume(checkpoints);
            }
            trainer.checkpointTo(checkpoints);
        }
        List<EpochMetrics> metrics = new ArrayList<>();
        try (BestValidationEpoch best = new BestValidationEpoch(model.parameters(), manager)) {
            while (trainer.position().cycle() * training.schedule().cycleSize() + trainer.position().epoch() < epochs) {
                EpochMetrics epoch = trainer.runEpoch();
                metrics.add(epoch);
                if (keepBestEpoch) {
                    best.offer(epoch);
                }
            }
            int kept = keepBestEpoch ? best.restore() : -1;
            return new Result(model, metrics, kept >= 0 ? kept : metrics.size() - 1);
        }
    }

    private static boolean resuming(Path checkpoints) {
        return checkpoints != null && java.nio.file.Files.exists(checkpoints.resolve("trainer.properties"));
    }
}
