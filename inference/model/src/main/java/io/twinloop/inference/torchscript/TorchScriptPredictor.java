package io.twinloop.inference.torchscript;

import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.inference.session.SessionStepper.FrameInput;
import io.twinloop.recordings.npy.NpyArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A TorchScript twin over whole recordings offline: N sessions stepped together from
 * {@code initial_state} over T frames, the way the exporters made their expected outputs.
 *
 * <pre>{@code
 * NpyArray rates = new TorchScriptPredictor(twin).predict(stimuli, perspectives, modulations); // [N, T, U]
 * }</pre>
 */
public final class TorchScriptPredictor {

    private final TorchScriptTwin twin;

    public TorchScriptPredictor(TorchScriptTwin twin) {
        this.twin = twin;
    }

    /**
     * @param stimuli      uint8 [N, T, H0, W0] (any frame size: resized to the twin's, pixel / 255 in float32)
     * @param perspectives float32 [N, T, 2] standardised pupil centre
     * @param modulations  float32 [N, T, 2] standardised pupil radius and treadmill velocity
     * @return float32 [N, T, U]
     */
    public NpyArray predict(NpyArray stimuli, NpyArray perspectives, NpyArray modulations) {
        long[] shape = stimuli.shape();
        if (shape.length != 4 || !"u1".equals(stimuli.dtype())) {
            throw new IllegalArgumentException("stimuli must be uint8 [N, T, H, W], not " + stimuli.dtype() + " "
                    + Arrays.toString(shape));
        }
        int n = (int) shape[0];
        int frames = (int) shape[1];
        int height = (int) shape[2];
        int width = (int) shape[3];
        requireShape("perspectives", perspectives, n, frames, 2);
        requireShape("modulations", modulations, n, frames, 2);
        byte[] pixels = stimuli.asBytes();
        float[] pupil = perspectives.asFloats();
        float[] behaviour = modulations.asFloats();
        int units = twin.units();
        float[] out = new float[n * frames * units];
        try (BatchedSessionStepper stepper = new BatchedSessionStepper(twin)) {
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add("offline-" + i);
                stepper.open(ids.get(i));
            }
            int area = height * width;
            for (int t = 0; t < frames; t++) {
                List<FrameInput> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int frame = i * frames + t;
                    float[] framePixels = new float[area];
                    for (int k = 0; k < area; k++) {
                        framePixels[k] = (pixels[frame * area + k] & 0xff) / 255f;
                    }
                    batch.add(new FrameInput(ids.get(i), framePixels, height, width,
                            Arrays.copyOfRange(pupil, 2 * frame, 2 * frame + 2),
                            Arrays.copyOfRange(behaviour, 2 * frame, 2 * frame + 2)));
                }
                List<float[]> rates = stepper.step(batch);
                for (int i = 0; i < n; i++) {
                    System.arraycopy(rates.get(i), 0, out, (i * frames + t) * units, units);
                }
            }
        }
        return NpyArray.ofFloats(out, n, frames, units);
    }

    private static void requireShape(String name, NpyArray array, long... expected) {
        if (!Arrays.equals(array.shape(), expected)) {
            throw new IllegalArgumentException(name + " must be " + Arrays.toString(expected) + ", not "
                    + Arrays.toString(array.shape()));
        }
    }
}
