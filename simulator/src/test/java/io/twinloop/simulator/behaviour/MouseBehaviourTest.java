package io.twinloop.simulator.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MouseBehaviourTest {
    private static final long SECOND = 1_000_000;

    @Test
    void pupilDilatesWithRunning() {
        MouseBehaviour mouse = new MouseBehaviour(3);
        int n = 20 * 600; // ten minutes at the eye camera's 20 Hz
        double[] radius = new double[n];
        double[] velocity = new double[n];
        for (int i = 0; i < n; i++) {
            BehaviourState state = mouse.at(i * 50_000L);
            radius[i] = state.pupilRadius();
            velocity[i] = state.velocity();
        }
        double r = correlation(radius, velocity);
        System.out.printf("pupil radius vs treadmill velocity: r = %.3f over 10 min%n", r);
        assertTrue(r > 0.4, "correlation " + r);
    }

    @Test
    void saccadesComeMoreOftenWhileRunning() {
        MouseBehaviour mouse = new MouseBehaviour(4);
        double runSeconds = 0;
        double restSeconds = 0;
        int runSaccades = 0;
        int restSaccades = 0;
        BehaviourState previous = mouse.at(0);
        for (long t = 50_000; t < 1200 * SECOND; t += 50_000) {
            BehaviourState state = mouse.at(t);
            // Seen by the eye camera: a jump of the pupil centre between two 20 Hz samples.
            boolean jumped = Math.hypot(state.pupilX() - previous.pupilX(), state.pupilY() - previous.pupilY()) > 2;
            if (state.running()) {
                runSeconds += 0.05;
                runSaccades += jumped ? 1 : 0;
            } else {
                restSeconds += 0.05;
                restSaccades += jumped ? 1 : 0;
            }
            previous = state;
        }
        double runRate = runSaccades / runSeconds;
        double restRate = restSaccades / restSeconds;
        System.out.printf("saccade-like jumps: %.2f/s running (%.0f s), %.2f/s at rest (%.0f s)%n",
                runRate, runSeconds, restRate, restSeconds);
        assertTrue(runSeconds > 120 && restSeconds > 120, "both states visited");
        assertTrue(runRate > 2 * restRate, runRate + " vs " + restRate);
    }

    @Test
    void theTrajectoryDependsOnTheSeedOnlyNotOnHowOftenItIsRead() {
        MouseBehaviour often = new MouseBehaviour(9);
        MouseBehaviour rarely = new MouseBehaviour(9);
        for (long t = 0; t < 30 * SECOND; t += 10_000) {
            often.at(t);
        }
        assertEquals(often.at(30 * SECOND), rarely.at(30 * SECOND));
        assertNotEquals(new MouseBehaviour(10).at(30 * SECOND), rarely.at(30 * SECOND));
        assertThrows(IllegalArgumentException.class, () -> rarely.at(SECOND));
    }

    @Test
    void signalsStayInPlausibleRanges() {
        MouseBehaviour mouse = new MouseBehaviour(5);
        for (long t = 0; t < 300 * SECOND; t += 10_000) {
            BehaviourState s = mouse.at(t);
            assertTrue(s.pupilRadius() > 2 && s.pupilRadius() < 40, "radius " + s.pupilRadius());
            assertTrue(s.velocity() > -2 && s.velocity() < 80, "velocity " + s.velocity());
            assertTrue(Math.abs(s.pupilX() - 160) < 50 && Math.abs(s.pupilY() - 120) < 30, s.toString());
        }
    }

    @Test
    void standardisationStatisticsDescribeTheSignals() {
        BehaviourStatistics stats = BehaviourStatistics.standard(1);
        System.out.println("standardisation: " + stats);
        assertEquals(160, stats.pupilX().mean(), 2);
        assertEquals(120, stats.pupilY().mean(), 1);
        assertTrue(stats.pupilX().std() > 2 * stats.pupilY().std(), "saccades mostly horizontal");
        // Runs about a third of the time at ~15 cm/s.
        assertTrue(stats.treadmillVelocity().mean() > 2 && stats.treadmillVelocity().mean() < 10, stats.toString());
        assertTrue(stats.pupilRadius().std() > 1 && stats.treadmillVelocity().std() > 3, stats.toString());
        assertEquals(stats, BehaviourStatistics.standard(1));
    }

    private static double correlation(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i] / a.length;
            mb += b[i] / b.length;
        }
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }
}
