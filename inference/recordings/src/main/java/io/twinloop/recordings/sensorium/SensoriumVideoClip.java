package io.twinloop.recordings.sensorium;

/**
 * A Sensorium video as stored: {@code [height][width][frames]} in C order, values on the 0..255 scale.
 */
public record SensoriumVideoClip(int height, int width, int frames, float[] values) {

    public float at(int y, int x, int frame) {
        return values[(y * width + x) * frames + frame];
    }

    /** @return frame {@code t} as a row-major [height * width] image */
    public float[] frame(int t) {
        float[] out = new float[height * width];
        for (int p = 0; p < out.length; p++) {
            out[p] = values[p * frames + t];
        }
        return out;
    }
}
