package io.twinloop.inference.training.data;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipSamplerTest {

    @Test
    void plansAreAFunctionOfTheSeedAndStayInsideTrials(@TempDir Path root) throws IOException {
        FnnTrainingLayoutTest.writeTrial(root, "long", 12, true);
        FnnTrainingLayoutTest.writeTrial(root, "exact", 4, true);
        FnnTrainingLayoutTest.writeTrial(root, "val", 6, false);
        ClipSampler sampler = new ClipSampler(FnnTrainingLayout.open(root), 4, 3);

        List<List<ClipRequest>> plan = sampler.plan(new Random(5), true, 50);
        assertEquals(plan, sampler.plan(new Random(5), true, 50));
        assertNotEquals(plan, sampler.plan(new Random(6), true, 50));
        Set<Integer> longStarts = new HashSet<>();
        for (List<ClipRequest> batch : plan) {
            assertEquals(3, batch.size());
            for (ClipRequest r : batch) {
                assertEquals(4, r.length());
                if (r.trial().equals("exact")) {
                    assertEquals(0, r.start());
                } else {
                    assertEquals("long", r.trial());
                    longStarts.add(r.start());
                }
            }
        }
        // fnn draws starts from [0, frames - L): 0..7 for 12 frames and clips of 4
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), longStarts);
        for (List<ClipRequest> batch : sampler.plan(new Random(1), false, 5)) {
            assertTrue(batch.stream().allMatch(r -> r.trial().equals("val")));
        }
    }

    @Test
    void batchesHandFramesToTheModelScaledAndStacked(@TempDir Path root) throws IOException {
        FnnTrainingLayoutTest.writeTrial(root, "a", 6, true);
        ClipSampler sampler = new ClipSampler(FnnTrainingLayout.open(root), 3, 2);
        ClipBatch batch = sampler.load(List.of(new ClipRequest("a", 0, 3), new ClipRequest("a", 2, 3)));
        try (NDManager manager = NDManager.newBaseManager()) {
            FrameInputs frame = batch.inputs(1, manager);
            assertEquals(new Shape(2, 2, 2, 3), frame.stimulus().getShape());
            // clip 1 at frame 1 is trial frame 3; channel 0, pixel (0, 0) = 30
            assertEquals(30 / 255f, frame.stimulus().get(1, 0, 0, 0).getFloat(), 1e-7);
            assertArrayEquals(new float[] {2, 3, 6, 7}, frame.perspective().toFloatArray());
            assertEquals(new Shape(2, 4), batch.units(2, manager).getShape());
        }
    }

    @Test
    void rejectsTrialsShorterThanAClip(@TempDir Path root) throws IOException {
        FnnTrainingLayoutTest.writeTrial(root, "short", 3, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClipSampler(FnnTrainingLayout.open(root), 4, 1));
        assertTrue(e.getMessage().contains("short"));
    }
}
