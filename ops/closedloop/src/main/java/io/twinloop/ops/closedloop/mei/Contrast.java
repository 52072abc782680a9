package io.twinloop.ops.closedloop.mei;

/**
 * RMS contrast of a clip: the standard deviation of its luminance (in [0, 1]) over all pixels of all frames,
 * about the clip's mean. Clips compared at "matched RMS contrast" have equal values of it.
 */
public final class Contrast {

    private static final int SUBSAMPLE = 17;

    private Contrast() {
    }

    private static double clip(double v) {
        return v < 0 ? 0 : Math.min(v, 1);
    }

    public static double rms(float[][] luminance) {
        double sum = 0;
        double squares = 0;
        long count = 0;
        // shifted by the first value: keeps the one-pass variance free of cancellation for values in [0, 1]
        float shift = luminance[0][0];
        for (float[] frame : luminance) {
            for (float v : frame) {
                double d = v - shift;
                sum += d;
                squares += d * d;
            }
            count += frame.length;
        }
        double mean = sum / count;
        return Math.sqrt(Math.max(squares / count - mean * mean, 0));
    }

    /**
     * Luminance 0.5 + s * contrast clipped to [0, 1], with s chosen so that the clipped clip's RMS contrast is
     * the target (up to four fixed-point steps to 0.5%, measured on every 17th pixel: clipping lowers it, so s
     * grows until it matches; where clipping makes the target unreachable, the closest reached).
     *
     * @param contrast [frames][pixels], any scale
     */
    public static float[][] toLuminance(float[][] contrast, double target) {
        double raw = rms(contrast);
        float[][] out = new float[contrast.length][contrast[0].length];
        if (!(raw > 0)) {
            for (float[] frame : out) {
                java.util.Arrays.fill(frame, 0.5f);
            }
            return out;
        }
        double scale = target / raw;
        // the scale is found on every 17th pixel (clipping makes it a fixed point), then applied to all
        long count = 0;
        for (int step = 0; step < 4; step++) {
            double sum = 0;
            double squares = 0;
            count = 0;
            for (float[] frame : contrast) {
                for (int p = 0; p < frame.length; p += SUBSAMPLE) {
                    double v = clip(0.5 + scale * frame[p]) - 0.5;
                    sum += v;
                    squares += v * v;
                    count++;
                }
            }
            double mean = sum / count;
            double reached = Math.sqrt(Math.max(squares / count - mean * mean, 0));
            if (Math.abs(reached - target) < 5e-3 * target || !(reached > 0)) {
                break;
            }
            scale *= target / reached;
        }
        float gain = (float) scale;
        for (int t = 0; t < contrast.length; t++) {
            float[] in = contrast[t];
            float[] frame = out[t];
            for (int p = 0; p < in.length; p++) {
                float v = 0.5f + gain * in[p];
                frame[p] = v < 0f ? 0f : Math.min(v, 1f);
            }
        }
        return out;
    }
}
