package io.twinloop.simulator.recording;

/**
 * Mean and standard deviation per channel over many samples, accumulated in double with shifted sums (shifted
 * by each channel's first value, which keeps the cancellation small). Sensorium's {@code meta/statistics} hold
 * these over the training tier; models and the service standardise their inputs with them.
 */
public final class ChannelStatistics {

    private final double[] shift;
    private final double[] sum;
    private final double[] squares;
    private long count;

    public ChannelStatistics(int channels) {
        shift = new double[channels];
        sum = new double[channels];
        squares = new double[channels];
    }

    /** @param rows [channel][sample] */
    public void add(float[][] rows) {
        if (rows.length != sum.length) {
            throw new IllegalArgumentException("expected " + sum.length + " channels, got " + rows.length);
        }
        for (int c = 0; c < rows.length; c++) {
            if (count == 0 && rows[c].length > 0) {
                shift[c] = rows[c][0];
            }
            for (float v : rows[c]) {
                double d = v - shift[c];
                sum[c] += d;
                squares[c] += d * d;
            }
        }
        count += rows.length == 0 ? 0 : rows[0].length;
    }

    public double[] mean() {
        double[] out = new double[sum.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = shift[c] + sum[c] / count;
        }
        return out;
    }

    /** @return population standard deviation (ddof 0), as NumPy's default */
    public double[] std() {
        double[] out = new double[sum.length];
        for (int c = 0; c < out.length; c++) {
            double m = sum[c] / count;
            out[c] = Math.sqrt(Math.max(0, squares[c] / count - m * m));
        }
        return out;
    }
}
