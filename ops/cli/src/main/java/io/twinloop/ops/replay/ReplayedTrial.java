package io.twinloop.ops.replay;

import io.twinloop.recordings.sensorium.SensoriumReader;
import io.twinloop.recordings.sensorium.SensoriumVideoClip;
import io.twinloop.simulator.recording.TrialBehaviour;
import io.twinloop.simulator.recording.TwinloopExtrasReader;
import io.twinloop.simulator.recording.TwinloopExtrasReader.FullFrames;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;

/**
 * What replay sends for one trial: the frames and telemetry as the rig sent them. A twinloop recording keeps
 * them under {@code twinloop/} (frames at the resolution shown, raw eye and treadmill samples). A Sensorium
 * folder as released has neither, so they are rebuilt from what it has:
 * <ul>
 *   <li>frames: the 36 x 64 video itself, each value rounded to a GRAY8 pixel, sent at 36 x 64: fnn's network is
 *       convolutional with a readout at normalised positions, so it takes frames of any size, and a model trained
 *       on this folder ({@code twinloop train}) was trained on exactly these 36 x 64 frames;</li>
 *   <li>telemetry: one eye sample (pupil centre x, y and dilation as the radius) and one treadmill sample
 *       (running speed) at each frame's time, k / 30 s, which the stream aligns back onto frame k.</li>
 * </ul>
 *
 * @param frames    the frames to publish, cut to the scored length
 * @param behaviour the telemetry to publish
 */
record ReplayedTrial(FullFrames frames, TrialBehaviour behaviour) {

    /** Sensorium 2023 videos are sampled at 30 Hz. */
    static final double FRAME_RATE_HZ = 30;

    /** @param frameCount frames to send: the length every scored trial has */
    static ReplayedTrial read(SensoriumReader reader, TwinloopExtrasReader extras, int trial, int frameCount)
            throws IOException {
        if (Files.isRegularFile(reader.layout().frames(trial))) {
            FullFrames full = extras.frames(trial);
            return new ReplayedTrial(new FullFrames(full.height(), full.width(),
                    Arrays.copyOf(full.frames(), Math.min(frameCount, full.frames().length))),
                    extras.behaviour(trial));
        }
        SensoriumVideoClip video = reader.video(trial);
        int count = Math.min(frameCount, video.frames());
        byte[][] frames = new byte[count][];
        for (int t = 0; t < count; t++) {
            float[] frame = video.frame(t);
            frames[t] = new byte[frame.length];
            for (int p = 0; p < frame.length; p++) {
                frames[t][p] = (byte) Math.max(0, Math.min(255, Math.round(frame[p])));
            }
        }
        float[][] dilationSpeed = reader.behavior(trial);
        float[][] center = reader.pupilCenter(trial);
        double[][] eye = new double[count][];
        double[][] treadmill = new double[count][];
        for (int t = 0; t < count; t++) {
            double seconds = t / FRAME_RATE_HZ;
            eye[t] = new double[] {seconds, center[0][t], center[1][t], dilationSpeed[0][t]};
            treadmill[t] = new double[] {seconds, dilationSpeed[1][t]};
        }
        return new ReplayedTrial(new FullFrames(video.height(), video.width(), frames),
                new TrialBehaviour(eye, treadmill));
    }
}
