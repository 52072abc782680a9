package io.twinloop.ops.experiment;

import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.simulator.mouse.NeuronTuning;
import io.twinloop.simulator.mouse.TuningSampler;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceptiveFieldRecoveryTest {

    private final MouseConfig config = MouseConfig.defaults().withNeurons(300);
    private final List<NeuronTuning> neurons = TuningSampler.sample(config, 11);

    @Test
    void positionsAtTheCentresOnTheMapScoreOne() {
        float[] xy = new float[2 * neurons.size()];
        for (int u = 0; u < neurons.size(); u++) {
            // screen pixels to the map's -1..1, as a perfect twin would place them
            xy[2 * u] = (float) (2 * neurons.get(u).centreX() / config.screenWidth() - 1);
            xy[2 * u + 1] = (float) (2 * neurons.get(u).centreY() / config.screenHeight() - 1);
        }
        ReceptiveFieldRecovery r = ReceptiveFieldRecovery.of(xy, neurons);
        assertEquals(1.0, r.horizontal(), 1e-6);
        assertEquals(1.0, r.vertical(), 1e-6);
    }

    @Test
    void swappedAxesScoreNearZero() {
        float[] xy = new float[2 * neurons.size()];
        for (int u = 0; u < neurons.size(); u++) {
            xy[2 * u] = (float) neurons.get(u).centreY();
            xy[2 * u + 1] = (float) neurons.get(u).centreX();
        }
        ReceptiveFieldRecovery r = ReceptiveFieldRecovery.of(xy, neurons);
        // independent draws: |r| of 300 pairs exceeds 0.2 with probability below 1e-3
        assertTrue(Math.abs(r.horizontal()) < 0.2, "x: " + r.horizontal());
        assertTrue(Math.abs(r.vertical()) < 0.2, "y: " + r.vertical());
    }

    @Test
    void refusesAModelOfAnotherPopulation() {
        assertThrows(IllegalArgumentException.class, () -> ReceptiveFieldRecovery.of(new float[10], neurons));
    }
}
