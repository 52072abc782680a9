package io.twinloop.simulator.mouse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinloop.simulator.stimuli.DriftingGaborDomain;
import io.twinloop.simulator.stimuli.FrameDescription;
import io.twinloop.simulator.stimuli.FrameGeometry;
import io.twinloop.simulator.stimuli.FramePixels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The mouse's ground truth uses the stimulus domains' conventions: a neuron tuned to a Gabor's described
 * direction, place and frequencies prefers it to the same Gabor drifting the opposite way.
 */
class StimulusConventionTest {

    @Test
    void neuronsPreferTheDirectionTheGaborDomainDescribes() {
        MouseConfig config = MouseConfig.defaults().withNeurons(2);
        DriftingGaborDomain domain = new DriftingGaborDomain(FrameGeometry.STANDARD, 21);
        int framesPerGabor = 30;
        int preferredWins = 0;
        int gabors = 8;
        for (int g = 0; g < gabors; g++) {
            long first = (long) g * framesPerGabor;
            FrameDescription d = domain.describe(first);
            double direction = d.get("direction_deg");
            NeuronTuning along = tuned(0, d, direction);
            NeuronTuning against = tuned(1, d, direction + 180);
            SyntheticMouse mouse = new SyntheticMouse(config, List.of(along, against));
            double[] rates = new double[2];
            double[] sums = new double[2];
            for (int t = 0; t < framesPerGabor; t++) {
                mouse.step(FramePixels.toGray8(domain.render(first + t)), new BehaviourAtFrame(0, 0, 10, 0), rates);
                if (t >= 10) {
                    sums[0] += rates[0];
                    sums[1] += rates[1];
                }
            }
            preferredWins += sums[0] > 1.5 * sums[1] ? 1 : 0;
        }
        assertTrue(preferredWins >= gabors - 1, preferredWins + " of " + gabors + " Gabors drive the neuron tuned to them");
    }

    private static NeuronTuning tuned(long id, FrameDescription d, double direction) {
        return new NeuronTuning(id, CellType.COMPLEX, d.get("centre_x_px"), d.get("centre_y_px"), 12, direction, 1.0,
                d.get("sf_cpp"), d.get("tf_hz"), 0, 0.15, 0.01, 0.02, 1.0, 0, 0);
    }
}
