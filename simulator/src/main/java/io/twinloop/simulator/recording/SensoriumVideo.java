package io.twinloop.simulator.recording;

/**
 * Sensorium 2023 stores videos at 36 x 64 pixels as {@code [H, W, T]}; this box-averages full-resolution
 * frames (any multiple of 36 x 64, e.g. 144 x 256) into that layout, keeping the 0..255 scale.
 */
public final class SensoriumVideo {

    public static final int HEIGHT = 36;
    public static final int WIDTH = 64;

    private SensoriumVideo() {
    }

    /** @return float values [HEIGHT][WIDTH][T] flattened in C order */
    public static float[] fromFrames(byte[][] frames, int height, int width) {
        if (height % HEIGHT != 0 || width % WIDTH != 0 || height / HEIGHT != width / WIDTH) {
            throw new IllegalArgumentException(height + " x " + width + " is not a multiple of 36 x 64");
        }
        int factor = height / HEIGHT;
        int t = frames.length;
        float[] out = new float[HEIGHT * WIDTH * t];
        float scale = 1f / (factor * factor);
        for (int f = 0; f < t; f++) {
            byte[] frame = frames[f];
            for (int y = 0; y < height; y++) {
                int row = (y / factor) * WIDTH;
                for (int x = 0; x < width; x++) {
                    out[(row + x / factor) * t + f] += (frame[y * width + x] & 0xff) * scale;
                }
            }
        }
        return out;
    }
}
