package io.twinloop.inference.training.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CohortTrialsTest {

    /** Trials of 10 frames of one pixel; the units hold the mouse's marker so a clip shows where it came from. */
    private record MouseTrials(float marker, int units, List<String> training, List<String> validation)
            implements TrialSource {

        @Override
        public List<String> trials(boolean wantTraining) {
            return wantTraining ? training : validation;
        }

        @Override
        public int frames(String trial) {
            return 10;
        }

        @Override
        public Clip read(ClipRequest r) {
            float[] values = new float[r.length() * units];
            java.util.Arrays.fill(values, marker);
            return new Clip(r.trial(), r.start(), r.length(), 1, 1, 1, new byte[r.length()], new float[r.length() * 2],
                    new float[r.length() * 2], values);
        }
    }

    private static CohortTrials cohort() {
        Map<String, TrialSource> mice = new LinkedHashMap<>();
        mice.put("a", new MouseTrials(1, 3, List.of("0", "1", "2"), List.of("3")));
        mice.put("b", new MouseTrials(2, 5, List.of("0"), List.of()));
        return new CohortTrials(mice);
    }

    @Test
    void trialsAreNamedByMouseAndReadFromIt() throws IOException {
        CohortTrials cohort = cohort();
        assertEquals(List.of("a/0", "a/1", "a/2", "b/0"), cohort.trials(true));
        assertEquals(List.of("a/3"), cohort.trials(false));
        assertEquals("b", cohort.group("b/0"));
        Clip clip = cohort.read(new ClipRequest("b/0", 2, 4));
        assertEquals("b/0", clip.trial());
        assertEquals(5, clip.unitCount());
        assertThrows(IllegalArgumentException.class, () -> cohort.group("c/0"));
    }

    @Test
    void everyBatchKeepsToOneMouseAndMiceAreDrawnByTheirTrials() throws IOException {
        ClipSampler sampler = new ClipSampler(cohort(), 4, 3);
        List<List<ClipRequest>> plan = sampler.plan(new Random(5), true, 400);
        int fromB = 0;
        for (List<ClipRequest> batch : plan) {
            String mouse = batch.get(0).trial().substring(0, 1);
            assertTrue(batch.stream().allMatch(r -> r.trial().startsWith(mouse + "/")), "mixed batch " + batch);
            ClipBatch loaded = sampler.load(batch);
            assertEquals(mouse, loaded.group());
            fromB += mouse.equals("b") ? 1 : 0;
        }
        // b has 1 of the 4 training trials
        assertTrue(fromB > 60 && fromB < 140, "batches of b: " + fromB);
    }

    @Test
    void aTrainingSubsetKeepsTheFirstTrialsAndAllValidation() {
        TrainingSubset subset = new TrainingSubset(new MouseTrials(1, 3, List.of("0", "1", "2"), List.of("3")), 2);
        assertEquals(List.of("0", "1"), subset.trials(true));
        assertEquals(List.of("3"), subset.trials(false));
        assertEquals(List.of("0", "1", "2"),
                new TrainingSubset(new MouseTrials(1, 3, List.of("0", "1", "2"), List.of()), 9).trials(true));
        assertThrows(IllegalArgumentException.class, () -> new TrainingSubset(cohort(), 0));
        assertTrue(new ArrayList<>(subset.trials(true)).size() == 2);
    }
}
