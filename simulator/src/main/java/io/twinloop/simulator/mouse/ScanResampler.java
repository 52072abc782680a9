package io.twinloop.simulator.mouse;

/**
 * Two-photon imaging samples a neuron once per scan (a few Hz over a large field), and datasets resample the
 * scans to the stimulus frames. This reproduces both steps: the per-frame trace is read at scan times (linear
 * interpolation between frames), then interpolated back to frame times, losing what changes faster than a scan.
 */
public final class ScanResampler {

    private final double framesPerScan;

    public ScanResampler(double frameRateHz, double scanRateHz) {
        if (!(scanRateHz > 0) || scanRateHz > frameRateHz) {
            throw new IllegalArgumentException("scan rate must be in (0, frame rate], got " + scanRateHz);
        }
        this.framesPerScan = frameRateHz / scanRateHz;
    }

    /** @return the trace as imaged at scan times and resampled to its frames; same length */
    public float[] resample(float[] perFrame) {
        int frames = perFrame.length;
        int scans = (int) Math.floor((frames - 1) / framesPerScan) + 1;
        float[] scanned = new float[scans];
        for (int k = 0; k < scans; k++) {
            scanned[k] = interpolate(perFrame, k * framesPerScan);
        }
        float[] out = new float[frames];
        for (int t = 0; t < frames; t++) {
            out[t] = interpolate(scanned, t / framesPerScan);
        }
        return out;
    }

    /** Linear interpolation at fractional index {@code x}, holding the last value beyond the end. */
    private static float interpolate(float[] values, double x) {
        int i = (int) Math.floor(x);
        if (i >= values.length - 1) {
            return values[values.length - 1];
        }
        double w = x - i;
        return (float) (values[i] * (1 - w) + values[i + 1] * w);
    }
}
