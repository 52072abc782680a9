package io.twinloop.simulator.recording;

import io.twinloop.recordings.sensorium.RecordingLayout;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.twinloop.simulator.mouse.CalciumIndicator;
import io.twinloop.simulator.mouse.GroundTruth;
import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.simulator.mouse.NeuronTuning;
import io.twinloop.simulator.mouse.SyntheticMouse;
import io.twinloop.simulator.mouse.TuningSampler;
import io.twinloop.simulator.stimuli.FrameGeometry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Records a session of a synthetic mouse: stimulus clips of several domains, the animal's behaviour, the
 * neurons' calcium responses (and their noise-free expectation), written in the layout of
 * docs/recording-layout.md with the mouse's ground truth. Reproducible from the seed.
 */
public final class SessionRecorder {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ClipSource clips;
    private final BehaviourSource behaviour;
    private final MouseConfig mouseConfig;
    private final boolean showProgress;

    /**
     * @param mouseConfig  the mouse; its pupil reference is replaced by the session's mean eye position and
     *                     pupil radius, so receptive fields sit at their ground-truth centre on average
     * @param showProgress draw a progress bar on stderr
     */
    public SessionRecorder(ClipSource clips, BehaviourSource behaviour, MouseConfig mouseConfig,
                           boolean showProgress) {
        this.clips = clips;
        this.behaviour = behaviour;
        this.mouseConfig = mouseConfig;
        this.showProgress = showProgress;
    }

    /**
     * Records {@code plan} with the procedural stimulus domains and the simulated mouse's behaviour, all seeded
     * from {@code seed}: the entry point for a synthetic session.
     */
    public static Summary recordSimulated(Path out, long seed, RecordingPlan plan, MouseConfig mouseConfig,
                                          boolean showProgress) throws IOException {
        FrameGeometry geometry = new FrameGeometry(mouseConfig.screenWidth(), mouseConfig.screenHeight(),
                mouseConfig.frameRateHz());
        return new SessionRecorder(new DomainClipSource(geometry, seed), new SimulatedBehaviourSource(), mouseConfig,
                showProgress).record(out, seed, plan);
    }

    /** What was written. */
    public record Summary(Path root, int trials, int units, int framesPerTrial) {
    }

    public Summary record(Path out, long seed, RecordingPlan plan) throws IOException {
        SplittableRandom seeds = new SplittableRandom(seed);
        long scheduleSeed = seeds.nextLong();
        long behaviourSeed = seeds.nextLong();
        long mouseSeed = seeds.nextLong();
        long noiseSeed = seeds.nextLong();

        List<TrialSchedule.Trial> schedule = TrialSchedule.of(plan, scheduleSeed);
        double seconds = plan.framesPerTrial() / mouseConfig.frameRateHz();
        List<TrialBehaviour> behaviours = new ArrayList<>(schedule.size());
        for (int i = 0; i < schedule.size(); i++) {
            behaviours.add(behaviour.trial(behaviourSeed + i, seconds));
        }
        MouseConfig config = withMeanEye(mouseConfig, behaviours);
        List<NeuronTuning> neurons = TuningSampler.sample(config, mouseSeed);
        SyntheticMouse mouse = new SyntheticMouse(config, neurons);
        CalciumIndicator indicator = new CalciumIndicator(config, neurons.size(), noiseSeed);
        TrialRecorder trialRecorder = new TrialRecorder(clips, mouse, indicator);

        SensoriumWriter writer = new SensoriumWriter(out);
        TrainingStatistics statistics = new TrainingStatistics(neurons.size());
        try (ProgressBar progress = progressBar(schedule.size())) {
            for (int i = 0; i < schedule.size(); i++) {
                TrialSchedule.Trial trial = schedule.get(i);
                RecordedTrial recorded = trialRecorder.record(trial, behaviours.get(i), plan.framesPerTrial());
                writer.writeTrial(i, recorded);
                if (trial.tier().equals(RecordingLayout.TRAIN)) {
                    statistics.add(recorded);
                }
                progress.step();
            }
        }
        writer.writeTrialTable(schedule.stream().map(TrialSchedule.Trial::tier).toList(),
                schedule.stream().mapToLong(TrialSchedule.Trial::clipId).toArray(),
                schedule.stream().map(TrialSchedule.Trial::domain).toList());
        writer.writeUnitIds(neurons.stream().mapToLong(NeuronTuning::unitId).toArray());
        statistics.write(writer);
        new GroundTruth(mouseSeed, config, neurons).write(writer.layout().groundTruth());
        JSON.writeValue(writer.layout().session().toFile(), new SessionManifest(seed, plan, config.frameRateHz(),
                config.screenHeight(), config.screenWidth(), neurons.size(), schedule.size()));
        return new Summary(out, schedule.size(), neurons.size(), plan.framesPerTrial());
    }

    private static MouseConfig withMeanEye(MouseConfig config, List<TrialBehaviour> behaviours) {
        double x = 0;
        double y = 0;
        double radius = 0;
        long n = 0;
        for (TrialBehaviour b : behaviours) {
            for (double[] sample : b.eye()) {
                x += sample[1];
                y += sample[2];
                radius += sample[3];
                n++;
            }
        }
        return config.withPupilReference(x / n, y / n, radius / n);
    }

    private ProgressBar progressBar(int trials) {
        PrintStream sink = showProgress ? System.err : new PrintStream(OutputStream.nullOutputStream());
        return new ProgressBarBuilder().setTaskName("Recording").setInitialMax(trials).setUnit(" trials", 1)
                .setUpdateIntervalMillis(200).setConsumer(new ConsoleProgressBarConsumer(sink)).build();
    }
}
