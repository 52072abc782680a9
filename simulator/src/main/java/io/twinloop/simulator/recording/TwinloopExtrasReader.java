package io.twinloop.simulator.recording;

import io.twinloop.recordings.sensorium.RecordingLayout;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads what a twinloop recording holds beyond Sensorium (docs/recording-layout.md): the frames at the
 * resolution shown, the raw telemetry, which clip each trial showed, and for synthetic mice the noise-free
 * responses.
 */
public final class TwinloopExtrasReader {

    private final RecordingLayout layout;

    public TwinloopExtrasReader(Path root) {
        this.layout = new RecordingLayout(root);
    }

    /** @return [frame][height * width] gray8, with the shape in {@link FullFrames} */
    public FullFrames frames(int trial) throws IOException {
        NpyArray array = Npy.read(layout.frames(trial));
        int[] shape = array.intShape();
        if (shape.length != 3 || !array.dtype().equals("u1")) {
            throw new IOException(layout.frames(trial) + ": expected uint8 [T, H, W]");
        }
        byte[] all = array.asBytes();
        int pixels = shape[1] * shape[2];
        byte[][] frames = new byte[shape[0]][pixels];
        for (int t = 0; t < shape[0]; t++) {
            System.arraycopy(all, t * pixels, frames[t], 0, pixels);
        }
        return new FullFrames(shape[1], shape[2], frames);
    }

    public TrialBehaviour behaviour(int trial) throws IOException {
        return new TrialBehaviour(Npy.read(layout.eye(trial)).asDoubleRows("eye"),
                Npy.read(layout.treadmill(trial)).asDoubleRows("treadmill"));
    }

    /** @return [unit][frame], or null if the recording has no noise-free responses */
    public float[][] noiseless(int trial) throws IOException {
        Path file = layout.noiseless(trial);
        return Files.exists(file) ? Npy.read(file).asFloatRows(file.toString()) : null;
    }

    public String[] domains() throws IOException {
        return Npy.readStrings(layout.domains());
    }

    /** Frames of one trial at the resolution shown. */
    public record FullFrames(int height, int width, byte[][] frames) {
    }
}
