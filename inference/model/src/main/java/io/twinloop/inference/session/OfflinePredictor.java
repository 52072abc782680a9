package io.twinloop.inference.session;

import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.perspective.Periphery;
import io.twinloop.recordings.npy.NpyArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Predicts whole recordings offline: N sessions stepped together from a fresh state over T frames,
 * as fnn's {@code generate_response} does for a batch (the way the parity fixture was made).
 *
 * <pre>{@code
 * NpyArray rates = new OfflinePredictor(network).predict(stimuli, perspectives, modulations); // [N, T, U]
 * }</pre>
 */
public final class OfflinePredictor {

    private final Network network;
    private final Integer stream;
    private final Periphery periphery;

    /**
     * @param stream    one stream, or null for the mean of all (fnn's default)
     * @param periphery fnn's default is DARK
     */
    public OfflinePredictor(Network network, Integer stream, Periphery periphery) {
        this.network = network;
        this.stream = stream;
        this.periphery = periphery;
    }

    /** All streams averaged, dark periphery: fnn's defaults. */
    public OfflinePredictor(Network network) {
        this(network, null, Periphery.DARK);
    }

    /**
     * @param stimuli      uint8 [N, T, H, W] grayscale frames (pixels enter the model as value / 255)
     * @param perspectives float32 [N, T, P] pupil centre, standardised
     * @param modulations  float32 [N, T, M] pupil radius and treadmill velocity, standardised
     * @return float32 [N, T, U] predicted responses
     */
    public NpyArray predict(NpyArray stimuli, NpyArray perspectives, NpyArray modulations) {
        long[] shape = stimuli.shape();
        if (shape.length != 4) {
            throw new IllegalArgumentException("stimuli must be [N, T, H, W], not " + List.of(box(shape)));
        }
        int n = (int) shape[0];
        int frames = (int) shape[1];
        int height = (int) shape[2];
        int width = (int) shape[3];
        int p = network.config().perspectives();
        int m = network.config().modulations();
        requireShape("perspectives", perspectives, n, frames, p);
        requireShape("modulations", modulations, n, frames, m);
        byte[] pixels = stimuli.asBytes();
        float[] pupil = perspectives.asFloats();
        float[] behaviour = modulations.asFloats();

        int units = network.units();
        float[] out = new float[n * frames * units];
        List<String> ids = new ArrayList<>(n);
        try (BatchedSessionStepper stepper = new BatchedSessionStepper(network, stream, periphery)) {
            for (int i = 0; i < n; i++) {
                ids.add("offline-" + i);
                stepper.open(ids.get(i));
            }
            int area = height * width;
            for (int t = 0; t < frames; t++) {
                List<SessionStepper.FrameInput> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int frame = i * frames + t;
                    float[] framePixels = new float[area];
                    for (int k = 0; k < area; k++) {
                        // as fnn: uint8 / 255 in double precision, then float32
                        framePixels[k] = (float) ((pixels[frame * area + k] & 0xff) / 255.0);
                    }
                    batch.add(new SessionStepper.FrameInput(ids.get(i), framePixels, height, width,
                            slice(pupil, frame * p, p), slice(behaviour, frame * m, m)));
                }
                List<float[]> responses = stepper.step(batch);
                for (int i = 0; i < n; i++) {
                    System.arraycopy(responses.get(i), 0, out, (i * frames + t) * units, units);
                }
            }
        }
        return NpyArray.ofFloats(out, n, frames, units);
    }

    private static float[] slice(float[] values, int from, int length) {
        float[] out = new float[length];
        System.arraycopy(values, from, out, 0, length);
        return out;
    }

    private static void requireShape(String name, NpyArray array, long... expected) {
        if (!java.util.Arrays.equals(array.shape(), expected)) {
            throw new IllegalArgumentException(name + " must be " + List.of(box(expected)) + ", not "
                    + List.of(box(array.shape())));
        }
    }

    private static Long[] box(long[] values) {
        Long[] out = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
