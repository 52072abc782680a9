package io.twinloop.simulator.stimuli;

/**
 * A family of visual stimuli, rendered frame by frame from a seed. Frame {@code i} is a pure function
 * of the seed and {@code i}: any frame can be asked for in any order and comes out the same, so a
 * session is reproducible from (domain, seed) alone. Instances cache the current trial and are not
 * thread-safe: use one per session.
 */
public interface StimulusDomain {

    /** Short name, e.g. "drifting-gabor"; used for file names and logs. */
    String name();

    FrameGeometry geometry();

    /** Writes frame {@code frameIndex} into {@code out}: row-major [height, width], luminance in [0, 1]. */
    void render(long frameIndex, float[] out);

    /** The ground-truth parameters of frame {@code frameIndex} (what a tuning model would need). */
    FrameDescription describe(long frameIndex);

    /** Renders into a new array. */
    default float[] render(long frameIndex) {
        float[] out = new float[geometry().pixels()];
        render(frameIndex, out);
        return out;
    }
}
