package io.twinloop.inference.torchscript;

import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.inference.session.SessionStepper.FrameInput;
import io.twinloop.recordings.npy.NpyArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions stepped together equal each session stepped alone: three sessions with staggered starts (the
 * ViV1T-style twin's windows partly filled when they meet), in batches of 1, 2 and 3, in shuffled order.
 */
class TorchScriptSessionsBatchedTest {

    /**
     * The same graph on a batch of 1 and of 3 may run other kernel blockings, so float32 sums can round
     * differently (~1e-7 relative per operation); a state row mixed up between sessions moves rates by 1e-2.
     */
    private static final double TOLERANCE = 1e-5;

    private static final int[] STARTS = {0, 3, 5};

    @ParameterizedTest
    @ValueSource(strings = {"viv1t", "shallow"})
    void sessionsSteppedTogetherEqualEachAlone(String name) {
        NpyArray stimuli = TorchScriptFixtures.array(name, "stimuli");
        float[] pupil = TorchScriptFixtures.array(name, "perspectives").asFloats();
        float[] behaviour = TorchScriptFixtures.array(name, "modulations").asFloats();
        byte[] pixels = stimuli.asBytes();
        int sessions = STARTS.length;
        int frames = (int) stimuli.shape()[1];
        int height = (int) stimuli.shape()[2];
        int width = (int) stimuli.shape()[3];

        try (TorchScriptTwin twin = TorchScriptTwin.load(TorchScriptFixtures.module(name))) {
            int units = twin.units();
            float[][][] alone = new float[sessions][frames][];
            for (int s = 0; s < sessions; s++) {
                try (BatchedSessionStepper stepper = new BatchedSessionStepper(twin)) {
                    stepper.open("alone");
                    for (int t = 0; t < frames; t++) {
                        alone[s][t] = stepper.step(List.of(input("alone", s, t, pixels, pupil, behaviour, frames,
                                height, width))).get(0);
                    }
                }
            }

            float[][][] together = new float[sessions][frames][];
            Set<Integer> batchSizes = new TreeSet<>();
            Random order = new Random(3);
            try (BatchedSessionStepper stepper = new BatchedSessionStepper(twin)) {
                for (int step = 0; step < STARTS[sessions - 1] + frames; step++) {
                    List<Integer> members = new ArrayList<>();
                    for (int s = 0; s < sessions; s++) {
                        int t = step - STARTS[s];
                        if (t == 0) {
                            stepper.open("session-" + s);
                        }
                        if (t >= 0 && t < frames) {
                            members.add(s);
                        }
                    }
                    Collections.shuffle(members, order);
                    List<FrameInput> batch = new ArrayList<>();
                    for (int s : members) {
                        batch.add(input("session-" + s, s, step - STARTS[s], pixels, pupil, behaviour, frames,
                                height, width));
                    }
                    List<float[]> rates = stepper.step(batch);
                    for (int k = 0; k < members.size(); k++) {
                        together[members.get(k)][step - STARTS[members.get(k)]] = rates.get(k);
                    }
                    batchSizes.add(members.size());
                }
            }
            assertEquals(Set.of(1, 2, 3), batchSizes);

            double worst = 0;
            for (int s = 0; s < sessions; s++) {
                for (int t = 0; t < frames; t++) {
                    for (int u = 0; u < units; u++) {
                        float a = alone[s][t][u];
                        worst = Math.max(worst, Math.abs(together[s][t][u] - a) / Math.max(1, Math.abs(a)));
                    }
                }
            }
            System.out.printf("%s: sessions together (batches %s) vs alone: largest difference %.2e%n", name,
                    batchSizes, worst);
            assertTrue(worst <= TOLERANCE, name + ": together vs alone differ by " + worst);
            // the sessions are not copies of each other, so a mix-up would show
            assertTrue(!Arrays.equals(alone[0][frames - 1], alone[1][frames - 1]));
        }
    }

    private static FrameInput input(String id, int session, int t, byte[] pixels, float[] pupil, float[] behaviour,
                                    int frames, int height, int width) {
        int frame = session * frames + t;
        int area = height * width;
        float[] p = new float[area];
        for (int k = 0; k < area; k++) {
            p[k] = (pixels[frame * area + k] & 0xff) / 255f;
        }
        return new FrameInput(id, p, height, width, Arrays.copyOfRange(pupil, 2 * frame, 2 * frame + 2),
                Arrays.copyOfRange(behaviour, 2 * frame, 2 * frame + 2));
    }
}
