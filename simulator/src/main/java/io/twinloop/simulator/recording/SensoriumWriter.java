package io.twinloop.simulator.recording;

import io.twinloop.recordings.sensorium.RecordingLayout;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a recording in the Sensorium 2023 layout plus the twinloop extras (docs/recording-layout.md). Trials
 * are numbered 0, 1, 2, ... in the order they were shown.
 */
public final class SensoriumWriter {

    private final RecordingLayout layout;

    public SensoriumWriter(Path root) {
        this.layout = new RecordingLayout(root);
    }

    public RecordingLayout layout() {
        return layout;
    }

    /** Writes one trial's per-trial files (videos, responses, behaviour, pupil centre; frames, telemetry, noiseless). */
    public void writeTrial(int trial, RecordedTrial recorded) throws IOException {
        int t = recorded.frameCount();
        Npy.write(layout.video(trial), NpyArray.ofFloats(
                SensoriumVideo.fromFrames(recorded.frames(), recorded.height(), recorded.width()),
                SensoriumVideo.HEIGHT, SensoriumVideo.WIDTH, t));
        Npy.write(layout.responses(trial), NpyArray.ofRows(recorded.responses()));
        Npy.write(layout.behavior(trial), NpyArray.ofRows(recorded.atFrames().behaviorRows()));
        Npy.write(layout.pupilCenter(trial), NpyArray.ofRows(recorded.atFrames().pupilCenterRows()));

        byte[] pixels = new byte[t * recorded.height() * recorded.width()];
        for (int f = 0; f < t; f++) {
            System.arraycopy(recorded.frames()[f], 0, pixels, f * recorded.height() * recorded.width(),
                    recorded.height() * recorded.width());
        }
        Npy.write(layout.frames(trial), NpyArray.ofBytes(pixels, t, recorded.height(), recorded.width()));
        Npy.write(layout.eye(trial), NpyArray.ofRows(recorded.behaviour().eye()));
        Npy.write(layout.treadmill(trial), NpyArray.ofRows(recorded.behaviour().treadmill()));
        if (recorded.noiseless() != null) {
            Npy.write(layout.noiseless(trial), NpyArray.ofRows(recorded.noiseless()));
        }
    }

    /** Writes the per-trial tables, in trial order. */
    public void writeTrialTable(List<String> tiers, long[] clipIds, List<String> domains) throws IOException {
        Npy.writeStrings(layout.tiers(), tiers.toArray(String[]::new));
        Npy.write(layout.clipIds(), NpyArray.ofLongs(clipIds, clipIds.length));
        Npy.writeStrings(layout.domains(), domains.toArray(String[]::new));
    }

    public void writeUnitIds(long[] unitIds) throws IOException {
        Npy.write(layout.unitIds(), NpyArray.ofLongs(unitIds, unitIds.length));
    }

    /** Writes {@code meta/statistics/<dataKey>/all/<name>.npy}, one value per channel. */
    public void writeStatistic(String dataKey, String name, double[] perChannel) throws IOException {
        Npy.write(layout.statistic(dataKey, name), NpyArray.ofFloats(toFloats(perChannel), perChannel.length));
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
