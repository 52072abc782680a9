package io.twinloop.inference.session;

import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.FnnReference;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import io.twinloop.inference.model.perspective.Periphery;
import io.twinloop.recordings.npy.NpyArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole network against fnn: the parity fixture (2 sessions x 24 frames of the published
 * architecture, U = 48) reproduced frame by frame, batched as fnn made it and interleaved in every
 * way the streaming worker steps sessions.
 */
class FnnParityTest {

    /** the project's parity bound (fixture README) */
    private static final double PARITY = 5e-4;
    /** batching must not change a session's output beyond float rounding */
    private static final double BATCHING = 2e-5;

    private static NDManager manager;
    private static Network network;
    private static int frames;
    private static int height;
    private static int width;
    private static byte[] stimuli;
    private static float[] perspectives;
    private static float[] modulations;
    private static float[] expected;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        network = Network.load(NetworkConfig.published(FnnReference.UNITS), FnnReference.allParameters(manager));
        NpyArray s = FnnReference.npy("fnn-parity/stimuli.npy");
        frames = (int) s.shape()[1];
        height = (int) s.shape()[2];
        width = (int) s.shape()[3];
        stimuli = s.asBytes();
        perspectives = FnnReference.npy("fnn-parity/perspectives.npy").asFloats();
        modulations = FnnReference.npy("fnn-parity/modulations.npy").asFloats();
        expected = FnnReference.npy("fnn-parity/responses.npy").asFloats();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void batchedOfflinePredictionReproducesTheFixture() {
        NpyArray out = new OfflinePredictor(network).predict(FnnReference.npy("fnn-parity/stimuli.npy"),
                FnnReference.npy("fnn-parity/perspectives.npy"), FnnReference.npy("fnn-parity/modulations.npy"));
        assertEquals(List.of(2L, (long) frames, 48L), List.of(out.shape()[0], out.shape()[1], out.shape()[2]));
        float[] got = out.asFloats();
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - expected[i]));
        }
        System.out.printf("parity (batched, 2 x %d frames): max abs error %.3g%n", frames, worst);
        assertTrue(worst < PARITY, "max abs error " + worst);
    }

    /**
     * A alone from fresh; A warm and B fresh in one call (two batches); B alone; then both together
     * at different frame indices; then A alone to the end.
     */
    @Test
    void interleavedSessionsGetTheirOwnOutputs() {
        try (BatchedSessionStepper stepper = new BatchedSessionStepper(network)) {
            stepper.open("A");
            stepper.open("B");
            int[] next = {0, 0};
            double worst = 0;
            worst = Math.max(worst, step(stepper, next, true, false));
            worst = Math.max(worst, step(stepper, next, true, true));
            for (int k = 0; k < 3; k++) {
                worst = Math.max(worst, step(stepper, next, false, true));
            }
            while (next[1] < frames) {
                worst = Math.max(worst, step(stepper, next, true, true));
            }
            while (next[0] < frames) {
                worst = Math.max(worst, step(stepper, next, true, false));
            }
            System.out.printf("parity (interleaved): max abs error %.3g%n", worst);
            assertTrue(worst < PARITY, "max abs error " + worst);
            assertTrue(stepper.stateBytes("A") > 0);
        }
    }

    @Test
    void aSessionSteppedAloneMatchesItsBatchedSelf() {
        int alone = 6;
        try (BatchedSessionStepper stepper = new BatchedSessionStepper(network)) {
            stepper.open("B");
            int[] next = {0, 0};
            double worst = 0;
            for (int t = 0; t < alone; t++) {
                worst = Math.max(worst, step(stepper, next, false, true));
            }
            System.out.printf("parity (session B alone, %d frames): max abs error %.3g%n", alone, worst);
            assertTrue(worst < BATCHING, "max abs error " + worst);
        }
    }

    @Test
    void oneStreamAndTheExtendedPeripheryMatchFnn() {
        int steps = 3;
        String[] references = {"fnn-parts/response_stream1.npy", "fnn-parts/response_extend.npy"};
        Integer[] streams = {1, null};
        Periphery[] peripheries = {Periphery.DARK, Periphery.EXTEND};
        for (int v = 0; v < 2; v++) {
            float[] reference = FnnReference.npy(references[v]).asFloats();
            double worst = 0;
            try (BatchedSessionStepper stepper = new BatchedSessionStepper(network, streams[v], peripheries[v])) {
                stepper.open("A");
                stepper.open("B");
                for (int t = 0; t < steps; t++) {
                    List<float[]> out = stepper.step(List.of(frame("A", 0, t), frame("B", 1, t)));
                    for (int session = 0; session < 2; session++) {
                        for (int u = 0; u < 48; u++) {
                            float want = reference[(session * steps + t) * 48 + u];
                            worst = Math.max(worst, Math.abs(out.get(session)[u] - want));
                        }
                    }
                }
            }
            System.out.printf("parity (%s, %d frames): max abs error %.3g%n", references[v], steps, worst);
            assertTrue(worst < PARITY, references[v] + ": max abs error " + worst);
        }
    }

    /**
     * Steps the chosen sessions by their next frame in one call.
     *
     * @return max abs error against the fixture
     */
    private static double step(BatchedSessionStepper stepper, int[] next, boolean a, boolean b) {
        List<SessionStepper.FrameInput> inputs = new ArrayList<>();
        List<Integer> who = new ArrayList<>();
        if (a) {
            inputs.add(frame("A", 0, next[0]));
            who.add(0);
        }
        if (b) {
            inputs.add(frame("B", 1, next[1]));
            who.add(1);
        }
        List<float[]> out = stepper.step(inputs);
        double worst = 0;
        for (int k = 0; k < who.size(); k++) {
            int session = who.get(k);
            int t = next[session]++;
            for (int u = 0; u < 48; u++) {
                worst = Math.max(worst, Math.abs(out.get(k)[u] - expected[(session * frames + t) * 48 + u]));
            }
        }
        return worst;
    }

    private static SessionStepper.FrameInput frame(String id, int session, int t) {
        int area = height * width;
        int offset = (session * frames + t) * area;
        float[] pixels = new float[area];
        for (int k = 0; k < area; k++) {
            pixels[k] = (float) ((stimuli[offset + k] & 0xff) / 255.0);
        }
        int at = (session * frames + t) * 2;
        return new SessionStepper.FrameInput(id, pixels, height, width,
                new float[] {perspectives[at], perspectives[at + 1]},
                new float[] {modulations[at], modulations[at + 1]});
    }
}
