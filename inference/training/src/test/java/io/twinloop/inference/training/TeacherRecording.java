package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.perspective.Periphery;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * Records a "teacher" network in fnn's training layout: random frames, zero behaviour, and the teacher's
 * noise-free predictions (all streams, each trial from a fresh state) as the responses.
 */
final class TeacherRecording {

    private TeacherRecording() {
    }

    /** Writes trials {@code t0 .. t<trials-1>} of {@code frames} frames of {@code height x width} under {@code root}. */
    static void write(Network teacher, Path root, int trials, int frames, int height, int width, long seed,
                      NDManager manager) throws IOException {
        Random random = new Random(seed);
        int units = teacher.units();
        for (int trial = 0; trial < trials; trial++) {
            String id = "t" + trial;
            byte[] pixels = new byte[frames * height * width];
            random.nextBytes(pixels);
            float[] responses = new float[frames * units];
            try (NDManager sub = manager.newSubManager()) {
                NetworkState state = NetworkState.fresh();
                for (int t = 0; t < frames; t++) {
                    float[] frame = new float[height * width];
                    for (int p = 0; p < frame.length; p++) {
                        frame[p] = (pixels[t * frame.length + p] & 0xff) / 255f;
                    }
                    NDArray rates = teacher.forward(sub.create(frame, new Shape(1, 1, height, width)),
                            sub.zeros(new Shape(1, 2)), sub.zeros(new Shape(1, 2)), null, Periphery.DARK, state);
                    System.arraycopy(rates.toFloatArray(), 0, responses, t * units, units);
                }
            }
            Npy.write(root.resolve("stimuli/" + id + ".npy"), NpyArray.ofBytes(pixels, frames, height, width));
            Npy.write(root.resolve("perspectives/" + id + ".npy"), NpyArray.ofFloats(new float[frames * 2], frames, 2));
            Npy.write(root.resolve("modulations/" + id + ".npy"), NpyArray.ofFloats(new float[frames * 2], frames, 2));
            Npy.write(root.resolve("units/" + id + ".npy"), NpyArray.ofFloats(responses, frames, units));
        }
    }
}
