package io.twinloop.inference.training.data;

/**
 * A window of consecutive frames of one trial, in the order the model consumes them.
 *
 * @param trial        the trial it was cut from
 * @param start        its first frame within the trial
 * @param length       frames L
 * @param channels     stimulus channels C
 * @param height       stimulus height H
 * @param width        stimulus width W
 * @param stimuli      [L, C, H, W] unsigned 8-bit pixels (fnn's training input is uint8)
 * @param perspectives [L, P] pupil centre per frame
 * @param modulations  [L, M] pupil radius and treadmill velocity per frame
 * @param units        [L, U] recorded responses per frame
 */
public record Clip(String trial, int start, int length, int channels, int height, int width, byte[] stimuli,
                   float[] perspectives, float[] modulations, float[] units) {

    public Clip {
        long pixels = (long) length * channels * height * width;
        if (stimuli.length != pixels) {
            throw new IllegalArgumentException("stimuli hold " + stimuli.length + " values, expected " + pixels);
        }
        for (float[] a : new float[][] {perspectives, modulations, units}) {
            if (a.length % length != 0) {
                throw new IllegalArgumentException("per-frame arrays must hold a whole number of frames of " + length);
            }
        }
    }

    public int perspectiveSize() {
        return perspectives.length / length;
    }

    public int modulationSize() {
        return modulations.length / length;
    }

    public int unitCount() {
        return units.length / length;
    }
}
