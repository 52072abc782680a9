package io.twinloop.simulator.mouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScanResamplerTest {

    private final ScanResampler sevenHz = new ScanResampler(30, 7);

    @Test
    void keepsSlowSignalsAndTheValuesAtScanTimes() {
        float[] ramp = new float[90];
        for (int t = 0; t < ramp.length; t++) {
            ramp[t] = 0.5f * t - 3;
        }
        float[] out = sevenHz.resample(ramp);
        // Linear in time survives sampling and interpolation, up to the hold after the last scan.
        double framesPerScan = 30.0 / 7;
        int lastScanFrame = (int) Math.floor(Math.floor(89 / framesPerScan) * framesPerScan);
        for (int t = 0; t <= lastScanFrame; t++) {
            assertEquals(ramp[t], out[t], 1e-4, "frame " + t);
        }
    }

    @Test
    void losesWhatChangesFasterThanAScan() {
        float[] flicker = new float[300];
        for (int t = 0; t < flicker.length; t++) {
            flicker[t] = t % 2 == 0 ? 1 : -1;
        }
        float[] out = sevenHz.resample(flicker);
        double power = 0;
        for (float v : out) {
            power += v * v;
        }
        assertTrue(power / out.length < 0.5, "30 Hz flicker attenuated, power " + power / out.length);
    }

    @Test
    void atTheFrameRateItChangesNothing() {
        float[] trace = {3, 1, 4, 1, 5, 9, 2, 6};
        float[] out = new ScanResampler(30, 30).resample(trace);
        for (int t = 0; t < trace.length; t++) {
            assertEquals(trace[t], out[t], 1e-6);
        }
    }
}
