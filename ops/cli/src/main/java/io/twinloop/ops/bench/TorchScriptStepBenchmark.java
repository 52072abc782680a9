package io.twinloop.ops.bench;

import io.twinloop.inference.session.SessionStepper.FrameInput;
import io.twinloop.inference.torchscript.TorchScriptSessionStepper;
import io.twinloop.inference.torchscript.TorchScriptTwin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times the step of a TorchScript twin for a batch of sessions as the service runs it (through the session
 * stepper: the rig's 144 x 256 frames resized to the twin's size, state concatenated and split), on random
 * frames: the same work as {@link ModelStepBenchmark} does for the Java port.
 */
public final class TorchScriptStepBenchmark {

    private static final int HEIGHT = 144;
    private static final int WIDTH = 256;

    private TorchScriptStepBenchmark() {
    }

    public static ModelStepBenchmark.Result run(TorchScriptTwin twin, int batch, int warmup, int steps, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try (TorchScriptSessionStepper stepper = new TorchScriptSessionStepper(twin, false)) {
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
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            return new ModelStepBenchmark.Result(batch, sorted[steps / 2], sorted[0], sorted[steps - 1],
                    stepper.stateBytes());
        }
    }
}
