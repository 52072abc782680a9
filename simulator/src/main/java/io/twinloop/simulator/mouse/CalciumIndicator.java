package io.twinloop.simulator.mouse;

import java.util.SplittableRandom;

/**
 * Two-photon calcium imaging of the model neurons: Poisson spikes at the given rates, each adding one unit to a
 * calcium level that decays exponentially, read out with additive Gaussian noise. It also tracks the expected
 * trace (the same kernel applied to the rates), the noiseless response against which a perfect twin would be
 * scored.
 */
public final class CalciumIndicator {

    private final double decay;
    private final double noise;
    private final double[] calcium;
    private final double[] expected;
    private final SplittableRandom random;

    public CalciumIndicator(MouseConfig config, int neurons, long seed) {
        this.decay = Math.exp(-1 / (config.frameRateHz() * config.calciumTimeConstantSeconds()));
        this.noise = config.calciumNoise();
        this.calcium = new double[neurons];
        this.expected = new double[neurons];
        this.random = new SplittableRandom(seed);
    }

    /**
     * Calcium at its resting level: the start of a trial after a gray-screen gap, during which each neuron fired
     * at its resting rate (so traces do not start with a rise from zero that no real recording has).
     *
     * @param restingRates per neuron, spikes per frame
     */
    public void reset(double[] restingRates) {
        for (int i = 0; i < calcium.length; i++) {
            expected[i] = restingRates[i] / (1 - decay);
            calcium[i] = expected[i];
        }
    }

    /**
     * @param rates       per neuron, expected spikes this frame
     * @param recordedOut per neuron, the noisy fluorescence
     * @param expectedOut per neuron, the noiseless expected fluorescence
     */
    public void observe(double[] rates, float[] recordedOut, float[] expectedOut) {
        for (int i = 0; i < rates.length; i++) {
            calcium[i] = decay * calcium[i] + poisson(rates[i]);
            expected[i] = decay * expected[i] + rates[i];
            recordedOut[i] = (float) (calcium[i] + noise * random.nextGaussian());
            expectedOut[i] = (float) expected[i];
        }
    }

    /** Knuth's method: rates per frame are small (well under 10), where it is exact and fast. */
    private int poisson(double lambda) {
        double limit = Math.exp(-lambda);
        int k = 0;
        double p = random.nextDouble();
        while (p > limit) {
            k++;
            p *= random.nextDouble();
        }
        return k;
    }
}
