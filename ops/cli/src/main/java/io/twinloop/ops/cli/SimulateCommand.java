package io.twinloop.ops.cli;

import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.simulator.recording.DomainClipSource;
import io.twinloop.simulator.recording.RecordingPlan;
import io.twinloop.simulator.recording.SessionRecorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code twinloop simulate}: records a session of a synthetic mouse whose tuning is known. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Record a session of a synthetic mouse (stimuli of the six domains, behaviour, calcium-like"
                + " responses, ground truth) in the Sensorium 2023 layout plus twinloop/ frames and telemetry.")
public final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the recording directory to write")
    Path out;

    @Option(names = "--minutes", defaultValue = "3", description = "length of the session (default: ${DEFAULT-VALUE})")
    double minutes;

    @Option(names = "--neurons", defaultValue = "2000", description = "neurons of the mouse (default: ${DEFAULT-VALUE})")
    int neurons;

    @Option(names = "--repeats", defaultValue = "5",
            description = "times each validation and test clip is shown (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--seed", defaultValue = "1", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        RecordingPlan plan = RecordingPlan.ofMinutes(minutes, 30, repeats, DomainClipSource.defaultWeights());
        SessionRecorder.Summary summary = SessionRecorder.recordSimulated(out, seed, plan,
                MouseConfig.defaults().withNeurons(neurons), true);
        System.out.printf("{\"recording\":\"%s\",\"trials\":%d,\"units\":%d,\"frames_per_trial\":%d}%n",
                summary.root(), summary.trials(), summary.units(), summary.framesPerTrial());
        return 0;
    }
}
