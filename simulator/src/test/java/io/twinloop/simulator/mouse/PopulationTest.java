package io.twinloop.simulator.mouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PopulationTest {

    @Test
    // speed is not asserted here (a shared 2-core machine fails any fixed bound under load); the time is printed
    void aDefaultSizedMouseStepsAMinuteOfFullResolutionFramesToFinitePositiveRates() {
        MouseConfig config = MouseConfig.defaults();
        SyntheticMouse mouse = SyntheticMouse.sample(config, 11);
        Random random = new Random(1);
        byte[][] frames = new byte[30][config.screenHeight() * config.screenWidth()];
        for (byte[] frame : frames) {
            random.nextBytes(frame);
        }
        double[] rates = new double[config.neurons()];
        int frameCount = 1800;
        long start = System.nanoTime();
        for (int t = 0; t < frameCount; t++) {
            mouse.step(frames[t % frames.length], new BehaviourAtFrame(0, 0, 10, 5), rates);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d neurons, %d frames of %dx%d: %.2f s%n", config.neurons(), frameCount,
                config.screenHeight(), config.screenWidth(), seconds);
        for (double r : rates) {
            assertTrue(r > 0 && Double.isFinite(r));
        }
    }

    @Test
    void theGroundTruthSurvivesARoundTripThroughJson(@TempDir Path dir) throws Exception {
        MouseConfig config = MouseConfig.defaults().withNeurons(50);
        GroundTruth truth = new GroundTruth(5, config, TuningSampler.sample(config, 5));
        Path file = dir.resolve("ground_truth.json");
        truth.write(file);
        GroundTruth back = GroundTruth.read(file);
        assertEquals(truth, back);
        assertTrue(Files.readString(file).contains("\"directionDegrees\""));
    }

    @Test
    void samplingIsReproducibleAndSpreadsTuningOverItsRanges() {
        MouseConfig config = MouseConfig.defaults().withNeurons(2000);
        var neurons = TuningSampler.sample(config, 9);
        assertEquals(neurons, TuningSampler.sample(config, 9));
        long complex = neurons.stream().filter(n -> n.cellType() == CellType.COMPLEX).count();
        assertEquals(config.complexFraction(), complex / 2000.0, 0.05);
        for (NeuronTuning n : neurons) {
            assertTrue(n.centreX() > 0 && n.centreX() < config.screenWidth());
            assertTrue(n.spatialFrequency() * config.filterDownsample() < 0.5, "below the filter grid's Nyquist");
        }
    }
}
