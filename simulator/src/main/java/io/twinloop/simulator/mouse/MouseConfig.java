package io.twinloop.simulator.mouse;

/**
 * How to build a synthetic mouse: population size, screen and filter resolution, eye geometry and the calcium
 * indicator's noise.
 *
 * @param neurons                  number of model neurons
 * @param screenHeight             frame height in pixels
 * @param screenWidth              frame width in pixels
 * @param filterDownsample         receptive fields are applied to the frame box-averaged by this factor
 * @param frameRateHz              stimulus frame rate; responses are per frame
 * @param complexFraction          fraction of complex cells
 * @param pupilReferenceX          pupil centre (camera pixels) at which receptive fields sit at their centre
 * @param pupilReferenceY          see pupilReferenceX
 * @param pupilReferenceRadius     pupil radius (camera pixels) at which the pupil gain is 1
 * @param screenPixelsPerPupilPixel how far receptive fields move on the screen per camera pixel of eye movement
 * @param calciumTimeConstantSeconds decay of the calcium kernel
 * @param calciumNoise             standard deviation of the additive Gaussian noise on the calcium trace
 * @param scanRateHz               imaging rate; below the frame rate the trace is sampled at scan times and
 *                                 interpolated back to frames, as real recordings are resampled; 0: every frame
 */
public record MouseConfig(int neurons, int screenHeight, int screenWidth, int filterDownsample, double frameRateHz,
                          double complexFraction, double pupilReferenceX, double pupilReferenceY,
                          double pupilReferenceRadius, double screenPixelsPerPupilPixel,
                          double calciumTimeConstantSeconds, double calciumNoise, double scanRateHz) {

    public MouseConfig {
        if (neurons <= 0 || screenHeight % filterDownsample != 0 || screenWidth % filterDownsample != 0) {
            throw new IllegalArgumentException("need neurons > 0 and a screen divisible by the downsampling factor");
        }
    }

    /** 2000 neurons on a 144 x 256 screen at 30 Hz, receptive fields on 36 x 64, GCaMP6f-like calcium. */
    public static MouseConfig defaults() {
        return new MouseConfig(2000, 144, 256, 4, 30.0, 0.6, 0, 0, 10, 4.0, 0.4, 0.3, 0);
    }

    public MouseConfig withNeurons(int count) {
        return new MouseConfig(count, screenHeight, screenWidth, filterDownsample, frameRateHz, complexFraction,
                pupilReferenceX, pupilReferenceY, pupilReferenceRadius, screenPixelsPerPupilPixel,
                calciumTimeConstantSeconds, calciumNoise, scanRateHz);
    }

    public MouseConfig withPupilReference(double x, double y, double radius) {
        return new MouseConfig(neurons, screenHeight, screenWidth, filterDownsample, frameRateHz, complexFraction,
                x, y, radius, screenPixelsPerPupilPixel, calciumTimeConstantSeconds, calciumNoise, scanRateHz);
    }

    public MouseConfig withCalciumNoise(double noise) {
        return new MouseConfig(neurons, screenHeight, screenWidth, filterDownsample, frameRateHz, complexFraction,
                pupilReferenceX, pupilReferenceY, pupilReferenceRadius, screenPixelsPerPupilPixel,
                calciumTimeConstantSeconds, noise, scanRateHz);
    }

    /** Imaging at {@code hz} (e.g. 7 Hz as two-photon scans of large fields), resampled to the frame rate. */
    public MouseConfig withScanRate(double hz) {
        return new MouseConfig(neurons, screenHeight, screenWidth, filterDownsample, frameRateHz, complexFraction,
                pupilReferenceX, pupilReferenceY, pupilReferenceRadius, screenPixelsPerPupilPixel,
                calciumTimeConstantSeconds, calciumNoise, hz);
    }

    /** @return whether responses are imaged slower than the frames and resampled */
    public boolean resamplesScans() {
        return scanRateHz > 0 && scanRateHz < frameRateHz;
    }

    public int retinaHeight() {
        return screenHeight / filterDownsample;
    }

    public int retinaWidth() {
        return screenWidth / filterDownsample;
    }
}
