package io.twinloop.simulator.stimuli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinloop.simulator.stimuli.RandomDotKinematogramDomain.DotField;
import io.twinloop.simulator.stimuli.RandomDotKinematogramDomain.Pattern;
import io.twinloop.simulator.stimuli.RandomDotKinematogramDomain.Trial;
import org.junit.jupiter.api.Test;

/** Flashing dots sit where and as they claim; RDK dots move coherently in the claimed fraction. */
class FlashingDotAndRdkDomainTest {
    private static final FrameGeometry G = FrameGeometry.STANDARD;
    private static final double SPEED = RandomDotKinematogramDomain.SPEED_PX_PER_FRAME;

    @Test
    void eachDotIsAtItsGridPositionWithItsPolarityFor300Ms() {
        FlashingDotDomain domain = new FlashingDotDomain(G, 12);
        int on = 0;
        for (int dot = 0; dot < 20; dot++) {
            long frame = dot * 9L;
            FrameDescription claim = domain.describe(frame);
            float[] pixels = domain.render(frame);
            int extreme = 0;
            for (int i = 1; i < pixels.length; i++) {
                if (Math.abs(pixels[i] - 0.5f) > Math.abs(pixels[extreme] - 0.5f)) {
                    extreme = i;
                }
            }
            assertEquals(claim.get("centre_x_px"), extreme % G.width(), 1.0, claim.toString());
            assertEquals(claim.get("centre_y_px"), extreme / G.width(), 1.0, claim.toString());
            assertEquals(claim.get("polarity"), Math.signum(pixels[extreme] - 0.5f));
            assertArrayEquals(pixels, domain.render(frame + 8), "held for 9 frames = 300 ms");
            on += claim.get("polarity") > 0 ? 1 : 0;
        }
        assertTrue(on > 3 && on < 17, "both polarities: " + on + " of 20 on");
    }

    @Test
    void theClaimedFractionOfDotsFollowsTheFlow() {
        RandomDotKinematogramDomain domain = new RandomDotKinematogramDomain(G, 31);
        int checked = 0;
        boolean[] patternsSeen = new boolean[Pattern.values().length];
        for (int trialIndex = 0; trialIndex < 12; trialIndex++) {
            long start = trialIndex * 30L;
            Trial trial = domain.trialAt(start);
            int matching = 0;
            int counted = 0;
            DotField previous = domain.dotsAt(start);
            for (long f = start + 1; f < start + 30; f++) {
                DotField now = domain.dotsAt(f);
                for (int i = 0; i < previous.x().length; i++) {
                    double dx = now.x()[i] - previous.x()[i];
                    double dy = now.y()[i] - previous.y()[i];
                    double cx = previous.x()[i] - G.width() / 2.0;
                    double cy = previous.y()[i] - G.height() / 2.0;
                    if (Math.hypot(dx, dy) > SPEED + 0.5 || Math.hypot(cx, cy) < 3 * SPEED) {
                        continue; // re-entered the screen, or too near the centre for a flow to be defined
                    }
                    double[] expected = expectedStep(trial, cx, cy);
                    counted++;
                    if (Math.hypot(dx - expected[0], dy - expected[1]) < 0.5) {
                        matching++;
                    }
                }
                previous = now;
            }
            // Noise dots step in a random direction and land within 0.5 px of the flow by chance.
            double chance = 2 * Math.asin(0.25 / SPEED) / Math.PI;
            double coherent = ((double) matching / counted - chance) / (1 - chance);
            assertEquals(trial.coherence(), coherent, 0.07, "trial " + trialIndex + " " + trial);
            patternsSeen[trial.pattern().ordinal()] = true;
            checked++;
        }
        assertEquals(12, checked);
        for (boolean seen : patternsSeen) {
            assertTrue(seen, "12 trials cover translation, radial and rotation");
        }
    }

    /** One frame's displacement of a coherent dot at (cx, cy) from the centre, image axes, from the stated semantics. */
    private static double[] expectedStep(Trial trial, double cx, double cy) {
        double r = Math.hypot(cx, cy);
        return switch (trial.pattern()) {
            // Direction is y-up on screen.
            case TRANSLATION -> new double[] {SPEED * Math.cos(trial.directionRad()), -SPEED * Math.sin(trial.directionRad())};
            // +1 expands: away from the centre.
            case RADIAL -> new double[] {trial.sign() * SPEED * cx / r, trial.sign() * SPEED * cy / r};
            // +1 is counter-clockwise on screen, i.e. tangent (cy, -cx) in image axes.
            case ROTATION -> new double[] {trial.sign() * SPEED * cy / r, -trial.sign() * SPEED * cx / r};
        };
    }
}
