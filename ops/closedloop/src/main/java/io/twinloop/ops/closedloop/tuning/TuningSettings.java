package io.twinloop.ops.closedloop.tuning;

/**
 * How long and how often the tuning stimuli are shown. Every condition is one clip from the twin's fresh state:
 * {@code lead} gray frames (the state settles; for a network, its burn-in), then the stimulus. Responses are
 * averaged over a window that skips the first frames of the stimulus (response latency).
 *
 * @param lead         gray frames before every stimulus
 * @param noiseFrames  frames of drifting noise per clip
 * @param noiseSkip    noise frames left out at the start of the window
 * @param noiseRepeats textures per direction (each direction shown with this many different noises)
 * @param dotFrames    frames a dot stays on (9: 300 ms)
 * @param dotTail      gray frames after the dot, inside the window (the response outlasts the flash)
 * @param dotSkip      dot frames left out at the start of the window
 * @param dotRepeats   presentations of each of the 17 x 29 dots
 * @param batch        clips per call of the twin
 * @param permutations permutations of the spatial-tuning null
 */
public record TuningSettings(int lead, int noiseFrames, int noiseSkip, int noiseRepeats, int dotFrames, int dotTail,
                             int dotSkip, int dotRepeats, int batch, int permutations) {

    public TuningSettings {
        if (lead < 0 || noiseFrames <= noiseSkip || noiseSkip < 0 || noiseRepeats < 1 || dotFrames < 1
                || dotTail < 0 || dotSkip < 0 || dotSkip >= dotFrames + dotTail || dotRepeats < 1 || batch < 1
                || permutations < 2) {
            throw new IllegalArgumentException("bad tuning settings " + this);
        }
    }

    /** 1.5 s of noise per clip, 8 textures per direction, each dot once (a noise-free twin needs no repeats). */
    public static TuningSettings defaults() {
        return new TuningSettings(10, 45, 6, 8, 9, 12, 2, 1, 64, 100);
    }

    public TuningSettings withDotRepeats(int repeats) {
        return new TuningSettings(lead, noiseFrames, noiseSkip, noiseRepeats, dotFrames, dotTail, dotSkip, repeats,
                batch, permutations);
    }

    public TuningSettings withNoiseRepeats(int repeats) {
        return new TuningSettings(lead, noiseFrames, noiseSkip, repeats, dotFrames, dotTail, dotSkip, dotRepeats,
                batch, permutations);
    }

    int grayFrames() {
        return lead + Math.max(noiseFrames, dotFrames + dotTail);
    }
}
