package io.twinloop.inference.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.inference.session.SessionStepper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TorchScript twin behind the model's {@code Twin} interface: its state in the one state format, stepped by the
 * same {@link BatchedSessionStepper} as fnn's network, equals each session stepped alone through the module's own
 * tensors; and a state written to bytes and read back continues exactly.
 */
class TorchScriptAsTwinTest {

    private static final int FRAMES = 6;

    @Test
    void sessionsInterleavedByTheGenericStepperEqualEachAlone() {
        try (TorchScriptTwin twin = TorchScriptTwin.load(TorchScriptFixtures.module("viv1t"))) {
            int pixels = twin.height() * twin.width();
            Random random = new Random(4);
            float[][][] frames = new float[3][FRAMES][pixels];
            for (float[][] session : frames) {
                for (float[] frame : session) {
                    for (int i = 0; i < pixels; i++) {
                        frame[i] = random.nextFloat();
                    }
                }
            }
            float[] perspective = {0.2f, -0.4f};
            float[] modulation = {0.7f, -0.1f};
            float[][][] alone = new float[3][FRAMES][];
            try (NDManager m = NDManager.newBaseManager(); NoGrad noGrad = new NoGrad()) {
                for (int s = 0; s < 3; s++) {
                    NDList state = twin.initialTensors(1, m);
                    for (int t = 0; t < FRAMES; t++) {
                        TorchScriptTwin.TensorStep step = twin.step(m.create(frames[s][t], new Shape(1, 1,
                                twin.height(), twin.width())), m.create(perspective, new Shape(1, 2)),
                                m.create(modulation, new Shape(1, 2)), state, m);
                        alone[s][t] = step.rates().toFloatArray();
                        state = step.state();
                    }
                }
            }
            // staggered starts: session s opens at frame s, so batches of 1, 2 and 3 with windows partly filled
            double worst = 0;
            try (BatchedSessionStepper stepper = new BatchedSessionStepper(twin)) {
                for (int t = 0; t < FRAMES + 2; t++) {
                    List<SessionStepper.FrameInput> batch = new ArrayList<>();
                    List<Integer> who = new ArrayList<>();
                    for (int s = 0; s < 3; s++) {
                        int own = t - s;
                        if (own == 0) {
                            stepper.open("s" + s);
                        }
                        if (own >= 0 && own < FRAMES) {
                            batch.add(new SessionStepper.FrameInput("s" + s, frames[s][own], twin.height(),
                                    twin.width(), perspective, modulation));
                            who.add(s);
                        }
                    }
                    List<float[]> rates = stepper.step(batch);
                    for (int k = 0; k < who.size(); k++) {
                        float[] expected = alone[who.get(k)][t - who.get(k)];
                        for (int u = 0; u < expected.length; u++) {
                            worst = Math.max(worst, Math.abs(rates.get(k)[u] - expected[u]));
                        }
                    }
                }
            }
            System.out.printf("TorchScript twin through the generic stepper: %.2e from each session alone%n", worst);
            assertTrue(worst <= 1e-5, "largest difference " + worst);
        }
    }

    @Test
    void aStateWrittenToBytesContinuesExactly() {
        try (TorchScriptTwin twin = TorchScriptTwin.load(TorchScriptFixtures.module("viv1t"));
             NDManager m = NDManager.newBaseManager(); NoGrad noGrad = new NoGrad()) {
            NDArray frame = m.randomUniform(0, 1, new Shape(2, 1, twin.height(), twin.width()));
            NDArray perspective = m.zeros(new Shape(2, 2));
            NDArray modulation = m.ones(new Shape(2, 2));
            NetworkState state = twin.initialState(2, m);
            assertEquals(twin.stateNames(), List.copyOf(state.tensors().keySet()));
            for (int t = 0; t < 3; t++) {
                state = twin.step(frame, perspective, modulation, state).state();
            }
            NetworkState copy = NetworkState.fromBytes(state.toBytes(), m);
            float[] straight = twin.step(frame, perspective, modulation, state).rates().toFloatArray();
            float[] restored = twin.step(frame, perspective, modulation, copy).rates().toFloatArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(straight, restored);
        }
    }
}
