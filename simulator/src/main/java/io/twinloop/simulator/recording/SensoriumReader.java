package io.twinloop.simulator.recording;

import io.twinloop.proto.npy.Npy;
import io.twinloop.proto.npy.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads one mouse's recording in the Sensorium 2023 layout: {@code data/{videos,responses,behavior,pupil_center}/
 * <trial>.npy}, {@code meta/trials/tiers.npy}, {@code meta/neurons/unit_ids.npy}. Any numeric dtype is accepted.
 */
public final class SensoriumReader {

    private final RecordingLayout layout;

    public SensoriumReader(Path root) {
        this.layout = new RecordingLayout(root);
    }

    public RecordingLayout layout() {
        return layout;
    }

    /** @return the trial numbers that have a video, ascending */
    public List<Integer> trials() throws IOException {
        Path videos = layout.video(0).getParent();
        List<Integer> trials = new ArrayList<>();
        try (Stream<Path> files = Files.list(videos)) {
            files.map(p -> p.getFileName().toString())
                    .filter(name -> name.matches("\\d+\\.npy"))
                    .forEach(name -> trials.add(Integer.parseInt(name.substring(0, name.length() - 4))));
        }
        trials.sort(null);
        return trials;
    }

    /** @return the tier of every trial, indexed by trial number */
    public String[] tiers() throws IOException {
        return UnicodeNpy.read(layout.tiers());
    }

    /** @return the trial numbers of one tier, ascending */
    public List<Integer> trialsInTier(String tier) throws IOException {
        String[] tiers = tiers();
        List<Integer> out = new ArrayList<>();
        for (int trial : trials()) {
            if (trial < tiers.length && tiers[trial].equals(tier)) {
                out.add(trial);
            }
        }
        return out;
    }

    public long[] unitIds() throws IOException {
        return NpyRows.longs(Npy.read(layout.unitIds()));
    }

    public SensoriumVideoClip video(int trial) throws IOException {
        NpyArray video = Npy.read(layout.video(trial));
        if (video.shape().length != 3) {
            throw new IOException(layout.video(trial) + ": expected [H, W, T]");
        }
        int[] shape = video.intShape();
        return new SensoriumVideoClip(shape[0], shape[1], shape[2], video.asFloats());
    }

    /** @return [unit][frame] */
    public float[][] responses(int trial) throws IOException {
        return NpyRows.floats(Npy.read(layout.responses(trial)), layout.responses(trial).toString());
    }

    /** @return [2][frame]: pupil dilation, running speed */
    public float[][] behavior(int trial) throws IOException {
        return NpyRows.floats(Npy.read(layout.behavior(trial)), layout.behavior(trial).toString());
    }

    /** @return [2][frame]: pupil centre x, y */
    public float[][] pupilCenter(int trial) throws IOException {
        return NpyRows.floats(Npy.read(layout.pupilCenter(trial)), layout.pupilCenter(trial).toString());
    }
}
