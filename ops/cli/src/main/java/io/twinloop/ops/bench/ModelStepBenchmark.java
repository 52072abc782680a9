package io.twinloop.ops.bench;

import io.twinloop.inference.model.Twin;
import io.twinloop.inference.model.network.FnnTwin;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.inference.session.SessionStepper.FrameInput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times the model step of a batch of sessions as the service runs it (through the session
 * stepper, state carried between frames), on random 144 x 256 frames: for any twin, fnn's network in
 * Java or a TorchScript twin (whose stepper then resizes the frames to the twin's size, as in service).
 */
public final class ModelStepBenchmark {

    /** @param medianMs median wall time of one step of the batch; {@code stateBytes} of one session */
    public record Result(int batch, double medianMs, double minMs, double maxMs, long stateBytes) {
        public double framesPerSecond() {
            return batch * 1000.0 / medianMs;
        }
    }

    private static final int HEIGHT = 144;
    private static final int WIDTH = 256;

    private ModelStepBenchmark() {
    }

    /** fnn's network with its defaults (all streams, dark periphery). */
    public static Result run(Network network, int batch, int warmup, int steps, long seed) {
        return run(new FnnTwin(network), batch, warmup, steps, seed);
    }

    public static Result run(Twin twin, int batch, int warmup, int steps, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try (BatchedSessionStepper stepper = new BatchedSessionStepper(twin)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                ids.add("bench-" + i);
                stepper.open(ids.get(i));
            }
            double[] ms = new double[steps];
            for (int s = -warmup; s < steps; s++) {
                List<FrameInput> frames = new ArrayList<>(batch);
                for (String id : ids) {
                    float[] pixels = new float[HEIGHT * WIDTH];
                    for (int k = 0; k < pixels.length; k++) {
                        pixels[k] = (float) random.nextDouble();
                    }
                    frames.add(new FrameInput(id, pixels, HEIGHT, WIDTH,
                            new float[] {(float) random.nextGaussian(), (float) random.nextGaussian()},
                            new float[] {(float) random.nextGaussian(), (float) random.nextGaussian()}));
                }
                long start = System.nanoTime();
                stepper.step(frames);
                if (s >= 0) {
                    ms[s] = (System.nanoTime() - start) / 1e6;
                }
            }
            long stateBytes = stepper.stateBytes(ids.get(0));
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            return new Result(batch, sorted[steps / 2], sorted[0], sorted[steps - 1], stateBytes);
        }
    }
}
