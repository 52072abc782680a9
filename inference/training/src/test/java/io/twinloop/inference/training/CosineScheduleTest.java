package io.twinloop.inference.training;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CosineScheduleTest {

    /** fnn's config: cycles of 100 epochs, 10 warm-up epochs in the first 2 cycles */
    private final CosineSchedule schedule = new CosineSchedule(100, 10, 2);

    @Test
    void warmupRisesLinearlyFromHalfAnEpoch() {
        assertEquals(0.05 * 0.5 / 10, schedule.learningRate(0.05, new SchedulePosition(0, 0)), 1e-15);
        assertEquals(0.05 * 9.5 / 10, schedule.learningRate(0.05, new SchedulePosition(0, 9)), 1e-15);
        assertEquals(0.05 * 3.5 / 10, schedule.learningRate(0.05, new SchedulePosition(1, 3)), 1e-15);
    }

    @Test
    void cosineSpansTheRestOfAWarmupCycle() {
        assertEquals(1.0, schedule.learningRate(1.0, new SchedulePosition(0, 10)), 1e-15);
        // t = 45 of 90: half way down
        assertEquals(0.5, schedule.learningRate(1.0, new SchedulePosition(0, 55)), 1e-12);
        assertEquals((Math.cos(89.0 / 90 * Math.PI) + 1) / 2, schedule.learningRate(1.0, new SchedulePosition(1, 99)), 1e-15);
    }

    @Test
    void laterCyclesRestartAtThePeakWithoutWarmup() {
        assertEquals(2.0, schedule.learningRate(2.0, new SchedulePosition(2, 0)), 1e-15);
        assertEquals(1.0, schedule.learningRate(2.0, new SchedulePosition(2, 50)), 1e-12);
        assertEquals((Math.cos(99.0 / 100 * Math.PI) + 1), schedule.learningRate(2.0, new SchedulePosition(5, 99)), 1e-15);
    }

    @Test
    void positionsAdvanceIntoTheNextCycleAndSeedsFollowFnn() {
        assertEquals(new SchedulePosition(0, 1), schedule.next(new SchedulePosition(0, 0)));
        assertEquals(new SchedulePosition(3, 0), schedule.next(new SchedulePosition(2, 99)));
        assertEquals(7 + 100 * 2, schedule.seed(new SchedulePosition(2, 7)));
    }

    @Test
    void rejectsWhatFnnRejects() {
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(10, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(10, 0, 1));
    }
}
