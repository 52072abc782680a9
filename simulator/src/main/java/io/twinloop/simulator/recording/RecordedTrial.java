package io.twinloop.simulator.recording;

import io.twinloop.recordings.sensorium.RecordingLayout;
/**
 * One trial of a recording: what was shown, what the animal did, how the neurons responded.
 *
 * @param tier       Sensorium tier ({@link RecordingLayout#TRAIN}, {@link RecordingLayout#ORACLE}, ...)
 * @param clipId     the clip shown; trials with equal ids showed identical frames
 * @param domain     the stimulus domain of the clip
 * @param height     frame height, pixels
 * @param width      frame width, pixels
 * @param frames     [T][height * width] gray8, row-major
 * @param behaviour  the raw eye and treadmill samples
 * @param atFrames   the behaviour at each frame's time
 * @param responses  [U][T] recorded responses
 * @param noiseless  [U][T] the noise-free expected responses, or null for real recordings
 */
public record RecordedTrial(String tier, long clipId, String domain, int height, int width, byte[][] frames,
                            TrialBehaviour behaviour, FrameBehaviour atFrames, float[][] responses,
                            float[][] noiseless) {

    public int frameCount() {
        return frames.length;
    }
}
