package io.twinloop.ops.closedloop;

import io.twinloop.recordings.npy.Npy;
import io.twinloop.simulator.mouse.BehaviourAtFrame;
import io.twinloop.recordings.sensorium.RecordingLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The behaviour held fixed while a twin is probed: the eye at its mean position, pupil size and running speed at
 * their means, all from the recording's training statistics ({@code meta/statistics}), which is what a twin
 * trained on the recording standardises with.
 */
public final class HeldBehaviour {

    private HeldBehaviour() {
    }

    public static BehaviourAtFrame fromRecording(Path recording) throws IOException {
        RecordingLayout layout = new RecordingLayout(recording);
        float[] pupil = mean(layout.statistic("pupil_center", "mean"));
        float[] behavior = mean(layout.statistic("behavior", "mean"));
        return new BehaviourAtFrame(pupil[0], pupil[1], behavior[0], behavior[1]);
    }

    private static float[] mean(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("recording has no " + file + " (meta/statistics are written by simulate)");
        }
        float[] values = Npy.read(file).asFloats();
        if (values.length != 2) {
            throw new IOException(file + ": expected 2 channels, got " + values.length);
        }
        return values;
    }
}
