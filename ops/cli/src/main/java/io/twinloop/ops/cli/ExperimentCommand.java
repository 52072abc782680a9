package io.twinloop.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinloop.ops.experiment.FoundationExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code twinloop experiment}: the foundation-core experiment (the paper's Fig. 3) on synthetic mice, end to end:
 * recording, cohort training, fits of a new mouse at several amounts of data, held-out scores and plots.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Record a cohort of synthetic mice and a new mouse, train a foundation core on the cohort, fit"
                + " the new mouse with the core frozen and from scratch at several amounts of data, score both on"
                + " held-out natural movies, drifting gabors and directional pink noise, and plot the result."
                + " The --epochs/--batches options set the cohort training; --fit-epochs/--fit-batches each fit.")
public final class ExperimentCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where recordings, models, results go")
    Path out;

    @Option(names = "--cohort", defaultValue = "3", description = "mice training the core (default: ${DEFAULT-VALUE})")
    int cohort;

    @Option(names = "--cohort-trials", defaultValue = "24",
            description = "10-s training trials per cohort mouse (default: ${DEFAULT-VALUE})")
    int cohortTrials;

    @Option(names = "--amounts", split = ",", defaultValue = "2,4,8,16",
            description = "training trials (10 s each) of the new mouse, one fit each (default: ${DEFAULT-VALUE})")
    List<Integer> amounts;

    @Option(names = "--neurons", defaultValue = "200", description = "neurons per mouse (default: ${DEFAULT-VALUE})")
    int neurons;

    @Option(names = "--cohort-neurons", defaultValue = "0",
            description = "neurons per cohort mouse, when the cohort is recorded with more than the new mouse; 0: --neurons"
                    + " (default: ${DEFAULT-VALUE})")
    int cohortNeurons;

    @Option(names = "--test-clips", defaultValue = "3", description = "test clips per domain (default: ${DEFAULT-VALUE})")
    int testClips;

    @Option(names = "--repeats", defaultValue = "4", description = "repeats of each test clip (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--fit-epochs", defaultValue = "6", description = "epochs of each fit of the new mouse (default: ${DEFAULT-VALUE})")
    int fitEpochs;

    @Option(names = "--fit-batches", defaultValue = "8", description = "batches per epoch of each fit (default: ${DEFAULT-VALUE})")
    int fitBatches;

    @Option(names = "--fit-seeds", defaultValue = "1",
            description = "fits per model and amount, each from its own initialisation and clip draws; the plot and "
                    + "summary.json give the mean and spread over them (default: ${DEFAULT-VALUE})")
    int fitSeeds;

    @Option(names = "--stage", defaultValue = "all",
            description = "all; or one stage: core (record the mice, train the core), fits (fit the new mouse; run"
                    + " several at once with different --models), report (results, plots) (default: ${DEFAULT-VALUE})")
    String stage;

    @Option(names = "--models", split = ",", defaultValue = "foundation,individual",
            description = "the fits of the fits stage (default: ${DEFAULT-VALUE})")
    List<String> models;

    @Mixin
    TrainingOptions options;

    @Override
    public Integer call() throws Exception {
        options.configureThreads();
        options.checkNumerics("experiment");
        if (cohortNeurons < 0) {
            throw new IllegalArgumentException("--cohort-neurons " + cohortNeurons
                    + ": use a positive count, or 0 for --neurons");
        }
        FoundationExperiment.Settings settings = new FoundationExperiment.Settings(cohort, cohortTrials, amounts,
                neurons, cohortNeurons > 0 ? cohortNeurons : neurons, testClips, repeats, options.epochs, fitEpochs,
                fitSeeds, options.configName, options.seed,
                options.readoutStart);
        FoundationExperiment experiment = new FoundationExperiment(settings, options.config(),
                options.config(fitEpochs, fitBatches));
        return GracefulStop.run("experiment", stopRequested -> runStage(experiment.stopWhen(stopRequested)),
                out + " keeps the core's finished epochs and the finished fits: the same command resumes (an"
                        + " unfinished fit starts again)");
    }

    private void runStage(FoundationExperiment experiment) throws IOException {
        switch (stage) {
            case "all" -> System.out.println(new ObjectMapper().writeValueAsString(experiment.run(out)));
            case "core" -> experiment.trainCore(out);
            case "fits" -> experiment.fits(out, models);
            case "report" -> System.out.println(new ObjectMapper().writeValueAsString(experiment.report(out)));
            default -> throw new IllegalArgumentException("--stage " + stage + ": use all, core, fits or report");
        }
    }
}
