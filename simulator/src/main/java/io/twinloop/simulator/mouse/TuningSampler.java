package io.twinloop.simulator.mouse;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a population of model neurons with tuning in ranges typical of mouse V1: receptive fields of a few to
 * ~20 degrees scattered over the central screen, low spatial and temporal frequency preferences, mostly weak
 * direction selectivity, and gain by running and pupil that is positive on average.
 */
public final class TuningSampler {

    private TuningSampler() {
    }

    public static List<NeuronTuning> sample(MouseConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int ds = config.filterDownsample();
        List<NeuronTuning> neurons = new ArrayList<>(config.neurons());
        for (int i = 0; i < config.neurons(); i++) {
            // Spatial frequency and size are chosen on the filter grid so the Gabor stays below its Nyquist limit
            // and holds about one cycle under its envelope.
            double retinaFrequency = logUniform(random, 0.05, 0.2);
            double retinaSigma = Math.min(6.0, Math.max(1.2, random.nextDouble(0.4, 0.7) / retinaFrequency));
            CellType type = random.nextDouble() < config.complexFraction() ? CellType.COMPLEX : CellType.SIMPLE;
            double selectivity = Math.pow(random.nextDouble(), 2);
            neurons.add(new NeuronTuning(
                    i,
                    type,
                    random.nextDouble(0.15, 0.85) * config.screenWidth(),
                    random.nextDouble(0.15, 0.85) * config.screenHeight(),
                    retinaSigma * ds,
                    random.nextDouble(0, 360),
                    selectivity,
                    retinaFrequency / ds,
                    logUniform(random, 0.5, 4.0),
                    random.nextDouble(0, 2 * Math.PI),
                    random.nextDouble(0.05, 0.2),
                    logUniform(random, 0.002, 0.02),
                    logUniform(random, 0.01, 0.1),
                    logUniform(random, 0.2, 1.0),
                    0.3 + 0.3 * random.nextGaussian(),
                    0.2 + 0.3 * random.nextGaussian()));
        }
        return neurons;
    }

    private static double logUniform(SplittableRandom random, double low, double high) {
        return Math.exp(random.nextDouble(Math.log(low), Math.log(high)));
    }
}
