package io.twinloop.ops.cli;

import io.twinloop.ops.closedloop.HeldBehaviour;
import io.twinloop.ops.closedloop.SyntheticMouseResponder;
import io.twinloop.ops.closedloop.tuning.TuneRun;
import io.twinloop.ops.closedloop.tuning.TuningProtocol;
import io.twinloop.ops.closedloop.tuning.TuningSettings;
import io.twinloop.simulator.mouse.BehaviourAtFrame;
import io.twinloop.simulator.mouse.GroundTruth;
import io.twinloop.recordings.sensorium.RecordingLayout;
import io.twinloop.simulator.stimuli.FrameGeometry;
import io.twinloop.simulator.stimuli.TuningStimuli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code twinloop tune}: in-silico tuning of a twin against the synthetic mouse's truth and its recorded estimate. */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = "In-silico tuning (Wang et al. 2025, Fig. 4): 16 directions of drifting pink noise and 17 x 29"
                + " flashing off dots shown to the twin with the eye held at its mean position; OSI, DSI, preferred"
                + " orientation and direction, STA, SSI and preferred location per unit, the same on the mouse's"
                + " recorded responses, both against the synthetic mouse's truth. Writes tuning.csv and plots;"
                + " ends with one JSON line.")
public final class TuneCommand implements Callable<Integer> {

    @Option(names = "--twin", defaultValue = "ground-truth",
            description = "the twin measured: ground-truth (the recording's own synthetic mouse, noise-free)"
                    + " (default: ${DEFAULT-VALUE})")
    String twin;

    @Option(names = "--recording", required = true, paramLabel = "DIR",
            description = "a synthetic recording (twinloop simulate): its ground truth and behaviour statistics")
    Path recording;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where tuning.csv and plots go")
    Path out;

    @Option(names = "--noise-repeats", defaultValue = "8",
            description = "noise textures per direction (default: ${DEFAULT-VALUE})")
    int noiseRepeats;

    @Option(names = "--recorded-dot-repeats", defaultValue = "3",
            description = "presentations of every dot for the recorded estimate (default: ${DEFAULT-VALUE})")
    int recordedDotRepeats;

    @Option(names = "--seed", defaultValue = "1",
            description = "stimuli, noise and permutations (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (!twin.equals("ground-truth")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--twin " + twin
                    + " is not offered yet: only ground-truth (network twins plug in through ClipResponder)");
        }
        Path truthFile = new RecordingLayout(recording).groundTruth();
        if (!Files.exists(truthFile)) {
            throw new IllegalArgumentException(recording + " has no twinloop/ground_truth.json: "
                    + "tune needs a synthetic recording (twinloop simulate)");
        }
        GroundTruth truth = GroundTruth.read(truthFile);
        BehaviourAtFrame held = HeldBehaviour.fromRecording(recording);
        FrameGeometry geometry = new FrameGeometry(truth.config().screenWidth(), truth.config().screenHeight(),
                truth.config().frameRateHz());
        TuningStimuli stimuli = new TuningStimuli(geometry, seed);
        TuningSettings settings = TuningSettings.defaults().withNoiseRepeats(noiseRepeats);
        System.out.println(TuneRun.run(
                SyntheticMouseResponder.expected(truth.config(), truth.neurons(), held),
                SyntheticMouseResponder.recorded(truth.config(), truth.neurons(), held, seed),
                truth, held, new TuningProtocol(stimuli, settings),
                new TuningProtocol(stimuli, settings.withDotRepeats(recordedDotRepeats)), out, seed));
        return 0;
    }
}
