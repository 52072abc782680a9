package io.twinloop.simulator.mouse;

/** Hand-made stimuli for checking tuning; the real stimulus domains live in the stimuli package. */
final class TestFrames {

    private TestFrames() {
    }

    /**
     * A full-contrast sinusoidal grating drifting in {@code directionDegrees}, optionally confined to a disc.
     *
     * @param cyclesPerPixel spatial frequency
     * @param hz             temporal frequency
     * @param discX          disc centre, or NaN for the full screen
     */
    static byte[] grating(MouseConfig config, double directionDegrees, double cyclesPerPixel, double hz, int frame,
                          double discX, double discY, double discRadius) {
        int h = config.screenHeight();
        int w = config.screenWidth();
        byte[] out = new byte[h * w];
        double theta = Math.toRadians(directionDegrees);
        double phase = 2 * Math.PI * hz * frame / config.frameRateHz();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double value = 0.5;
                boolean inside = Double.isNaN(discX) || Math.hypot(x + 0.5 - discX, y + 0.5 - discY) <= discRadius;
                if (inside) {
                    // 90 degrees = upwards: rows grow downwards.
                    double along = (x + 0.5) * Math.cos(theta) - (y + 0.5) * Math.sin(theta);
                    value = 0.5 + 0.5 * Math.cos(2 * Math.PI * cyclesPerPixel * along - phase);
                }
                out[y * w + x] = (byte) Math.round(Math.min(255, value * 255));
            }
        }
        return out;
    }

    static byte[] fullGrating(MouseConfig config, double directionDegrees, double cyclesPerPixel, double hz, int frame) {
        return grating(config, directionDegrees, cyclesPerPixel, hz, frame, Double.NaN, 0, 0);
    }
}
