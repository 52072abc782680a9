package io.twinloop.simulator.stimuli;

/**
 * A square texture that wraps around at its edges, sampled with bilinear interpolation at any real
 * position; drifting a view over it gives smooth sub-pixel motion with no border to run into.
 * Values are zero-mean, unit-variance contrast (the domain maps them to luminance).
 */
public final class PeriodicTexture {
    private final int size;
    private final int mask;
    private final float[] values;

    PeriodicTexture(int size, float[] values) {
        if (Integer.bitCount(size) != 1 || values.length != size * size) {
            throw new IllegalArgumentException("texture must be a power-of-two square, got " + size);
        }
        this.size = size;
        this.mask = size - 1;
        this.values = values;
    }

    public int size() {
        return size;
    }

    /** Value at column {@code x}, row {@code y} (any reals; wraps). */
    public float sample(double x, double y) {
        double fx = Math.floor(x);
        double fy = Math.floor(y);
        int x0 = (int) fx & mask;
        int y0 = (int) fy & mask;
        int x1 = (x0 + 1) & mask;
        int y1 = (y0 + 1) & mask;
        float ax = (float) (x - fx);
        float ay = (float) (y - fy);
        float top = values[y0 * size + x0] + ax * (values[y0 * size + x1] - values[y0 * size + x0]);
        float bottom = values[y1 * size + x0] + ax * (values[y1 * size + x1] - values[y1 * size + x0]);
        return top + ay * (bottom - top);
    }

    /** Value at integer pixel (wraps). */
    public float at(int x, int y) {
        return values[(y & mask) * size + (x & mask)];
    }
}
