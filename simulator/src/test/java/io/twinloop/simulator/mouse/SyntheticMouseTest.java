package io.twinloop.simulator.mouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class SyntheticMouseTest {

    private static final MouseConfig CONFIG = MouseConfig.defaults().withNeurons(1);
    private static final BehaviourAtFrame STILL = new BehaviourAtFrame(0, 0, 10, 0);

    private static NeuronTuning neuron(CellType type, double direction, double selectivity, double runningGain) {
        return new NeuronTuning(7, type, 128, 72, 12, direction, selectivity, 0.025, 2.0, 0.0, 0.1, 0.01,
                0.05, 0.8, runningGain, 0.0);
    }

    /** Mean rate over the second half of a 2 s stimulus (after the temporal filter has settled). */
    private static double meanRate(NeuronTuning tuning, IntFunction<byte[]> frames, BehaviourAtFrame behaviour) {
        SyntheticMouse mouse = new SyntheticMouse(CONFIG, List.of(tuning));
        double[] rate = new double[1];
        double sum = 0;
        int frameCount = 60;
        for (int t = 0; t < frameCount; t++) {
            mouse.step(frames.apply(t), behaviour, rate);
            if (t >= frameCount / 2) {
                sum += rate[0];
            }
        }
        return sum / (frameCount - frameCount / 2.0);
    }

    @Test
    void aDirectionSelectiveCellPrefersItsDirectionOverTheOppositeAndTheOrthogonal() {
        NeuronTuning cell = neuron(CellType.COMPLEX, 30, 1.0, 0);
        double preferred = meanRate(cell, t -> TestFrames.fullGrating(CONFIG, 30, 0.025, 2.0, t), STILL);
        double opposite = meanRate(cell, t -> TestFrames.fullGrating(CONFIG, 210, 0.025, 2.0, t), STILL);
        double orthogonal = meanRate(cell, t -> TestFrames.fullGrating(CONFIG, 120, 0.025, 2.0, t), STILL);

        assertTrue(preferred > cell.baselineRate() + 0.5 * cell.amplitudeRate(), "preferred " + preferred);
        assertEquals(cell.baselineRate(), opposite, 0.1 * cell.amplitudeRate(), "opposite is near baseline");
        assertEquals(cell.baselineRate(), orthogonal, 0.1 * cell.amplitudeRate(), "orthogonal is near baseline");
    }

    @Test
    void anOrientationSelectiveCellRespondsToBothDirectionsAlike() {
        NeuronTuning cell = neuron(CellType.COMPLEX, 30, 0.0, 0);
        double one = meanRate(cell, t -> TestFrames.fullGrating(CONFIG, 30, 0.025, 2.0, t), STILL);
        double other = meanRate(cell, t -> TestFrames.fullGrating(CONFIG, 210, 0.025, 2.0, t), STILL);
        assertEquals(one, other, 0.05 * one);
    }

    @Test
    void aSimpleCellIsModulatedByThePhaseOfTheGratingAComplexCellIsNot() {
        double[] simple = rateRange(neuron(CellType.SIMPLE, 0, 1.0, 0));
        double[] complex = rateRange(neuron(CellType.COMPLEX, 0, 1.0, 0));
        double simpleModulation = (simple[1] - simple[0]) / simple[1];
        double complexModulation = (complex[1] - complex[0]) / complex[1];
        assertTrue(simpleModulation > 0.5, "simple cell modulation " + simpleModulation);
        assertTrue(complexModulation < 0.2, "complex cell modulation " + complexModulation);
    }

    private static double[] rateRange(NeuronTuning cell) {
        SyntheticMouse mouse = new SyntheticMouse(CONFIG, List.of(cell));
        double[] rate = new double[1];
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int t = 0; t < 90; t++) {
            mouse.step(TestFrames.fullGrating(CONFIG, 0, 0.025, 2.0, t), STILL, rate);
            if (t >= 45) {
                min = Math.min(min, rate[0]);
                max = Math.max(max, rate[0]);
            }
        }
        return new double[] {min, max};
    }

    @Test
    void theReceptiveFieldMovesOnTheScreenWithTheEye() {
        NeuronTuning cell = neuron(CellType.COMPLEX, 0, 0.0, 0);
        double shift = 60;
        double pupilMove = shift / CONFIG.screenPixelsPerPupilPixel();
        // A grating patch 60 px right of the receptive field, elsewhere mean gray.
        IntFunction<byte[]> patch = t -> TestFrames.grating(CONFIG, 0, 0.025, 2.0, t, 128 + shift, 72, 30);
        double eyeAtReference = meanRate(cell, patch, STILL);
        double eyeMovedRight = meanRate(cell, patch, new BehaviourAtFrame(pupilMove, 0, 10, 0));

        assertTrue(eyeMovedRight > 3 * eyeAtReference, "moved " + eyeMovedRight + " vs reference " + eyeAtReference);
    }

    @Test
    void runningRaisesTheGainOfACellWithPositiveRunningGain() {
        NeuronTuning cell = neuron(CellType.COMPLEX, 0, 0.0, 0.5);
        IntFunction<byte[]> grating = t -> TestFrames.fullGrating(CONFIG, 0, 0.025, 2.0, t);
        double still = meanRate(cell, grating, STILL);
        double running = meanRate(cell, grating, new BehaviourAtFrame(0, 0, 10, 30));
        double expectedGain = Math.exp(0.5 * Math.tanh(3.0));
        assertEquals(expectedGain, (running - cell.baselineRate()) / (still - cell.baselineRate()), 1e-6);
    }
}
