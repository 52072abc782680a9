package io.twinloop.simulator.stimuli;

/**
 * Size and rate of the frames a domain renders. Pixels are row-major {@code [height, width]}.
 *
 * @param width  pixels per row
 * @param height rows
 * @param frameRateHz frames per second of the rig's display clock
 */
public record FrameGeometry(int width, int height, double frameRateHz) {
    /** The rig's standard: 144 x 256 grayscale at 30 Hz, as in the paper's recordings. */
    public static final FrameGeometry STANDARD = new FrameGeometry(256, 144, 30.0);

    public FrameGeometry {
        if (width <= 0 || height <= 0 || !(frameRateHz > 0)) {
            throw new IllegalArgumentException("bad geometry " + width + "x" + height + "@" + frameRateHz);
        }
    }

    public int pixels() {
        return width * height;
    }

    /** Seconds from frame 0 to frame {@code frameIndex}. */
    public double secondsAt(long frameIndex) {
        return frameIndex / frameRateHz;
    }

    /** Frames that last about {@code seconds} (at least one). */
    public int framesFor(double seconds) {
        return Math.max(1, (int) Math.round(seconds * frameRateHz));
    }
}
