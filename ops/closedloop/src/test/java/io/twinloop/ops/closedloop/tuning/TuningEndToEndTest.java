package io.twinloop.ops.closedloop.tuning;

import io.twinloop.ops.closedloop.SyntheticMouseResponder;
import io.twinloop.simulator.mouse.BehaviourAtFrame;
import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.simulator.mouse.NeuronTuning;
import io.twinloop.simulator.mouse.TuningSampler;
import io.twinloop.simulator.stimuli.FrameGeometry;
import io.twinloop.simulator.stimuli.TuningStimuli;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** In-silico tuning of a few synthetic neurons on their own noise-free responses recovers their true tuning. */
class TuningEndToEndTest {

    @Test
    void groundTruthTwinRecoversOrientationDirectionAndLocation() {
        MouseConfig config = MouseConfig.defaults().withNeurons(24);
        List<NeuronTuning> neurons = TuningSampler.sample(config, 11);
        BehaviourAtFrame held = new BehaviourAtFrame(config.pupilReferenceX(), config.pupilReferenceY(),
                config.pupilReferenceRadius(), 0);
        TuningProtocol protocol = new TuningProtocol(new TuningStimuli(FrameGeometry.STANDARD, 3),
                // short clips: the synthetic mouse's filters settle within a few frames; calcium still integrates
                new TuningSettings(4, 30, 6, 2, 6, 6, 2, 1, 64, 50));
        TuningMeasurement m = protocol.measure(SyntheticMouseResponder.expected(config, neurons, held));
        List<UnitTuning> tuning = protocol.analyse(m, 5);
        TruthComparison.Summary summary = TruthComparison.summarise(tuning, neurons, config, held);
        System.out.println(summary);
        assertTrue(summary.orientationUnits() >= 10, summary.toString());
        assertTrue(summary.medianOrientationErrorDeg() < 5, summary.toString());
        assertTrue(summary.medianLocationError() < 0.02, summary.toString());
    }
}
