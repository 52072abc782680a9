package io.twinloop.simulator.mouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CalciumIndicatorTest {

    @Test
    void theRecordingScattersAroundTheExpectedTraceWithPoissonAndReadoutNoise() {
        MouseConfig config = MouseConfig.defaults().withCalciumNoise(0.2);
        int neurons = 2000;
        CalciumIndicator indicator = new CalciumIndicator(config, neurons, 3);
        double rate = 0.3;
        double[] rates = new double[neurons];
        java.util.Arrays.fill(rates, rate);
        float[] recorded = new float[neurons];
        float[] expected = new float[neurons];
        for (int t = 0; t < 120; t++) {
            indicator.observe(rates, recorded, expected);
        }
        double decay = Math.exp(-1 / (config.frameRateHz() * config.calciumTimeConstantSeconds()));
        double steadyState = rate / (1 - decay);
        double mean = 0;
        double squares = 0;
        for (int i = 0; i < neurons; i++) {
            assertEquals(steadyState, expected[i], 1e-3 * steadyState, "expected trace at steady state");
            mean += recorded[i];
        }
        mean /= neurons;
        for (int i = 0; i < neurons; i++) {
            squares += (recorded[i] - mean) * (recorded[i] - mean);
        }
        double variance = squares / (neurons - 1);
        // Shot noise through the kernel: rate * sum(decay^2k) = rate / (1 - decay^2); plus the readout noise.
        double expectedVariance = rate / (1 - decay * decay) + 0.2 * 0.2;
        assertEquals(steadyState, mean, 0.05 * steadyState);
        assertEquals(expectedVariance, variance, 0.15 * expectedVariance);
    }

    @Test
    void aResetStartsTheTraceAtTheRestingLevelNotAtZero() {
        MouseConfig config = MouseConfig.defaults();
        CalciumIndicator indicator = new CalciumIndicator(config, 2, 1);
        double[] resting = {0.05, 0.5};
        indicator.reset(resting);
        float[] recorded = new float[2];
        float[] expected = new float[2];
        indicator.observe(resting, recorded, expected);
        double decay = Math.exp(-1 / (config.frameRateHz() * config.calciumTimeConstantSeconds()));
        for (int i = 0; i < 2; i++) {
            assertEquals(resting[i] / (1 - decay), expected[i], 1e-5, "already at steady state");
        }
    }
}
