package io.twinloop.simulator.stimuli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The 1/f domains: natural images, natural movies and directional pink noise. */
class PinkNoiseDomainsTest {
    private static final FrameGeometry G = FrameGeometry.STANDARD;

    private static double slope(float[] frame) {
        return ImageStatistics.amplitudeSpectrumSlope(frame, G.width(), 8, 64, 128, 3, 32);
    }

    @Test
    void naturalImagesHaveAnAmplitudeSpectrumNearOneOverF() {
        NaturalImageDomain domain = new NaturalImageDomain(G, 9);
        double sum = 0;
        for (int image = 0; image < 5; image++) {
            double s = slope(domain.render(image * 30L));
            assertEquals(-1, s, 0.3, "image " + image);
            sum += s;
        }
        System.out.printf("natural images: mean amplitude-spectrum slope %.3f%n", sum / 5);
        assertEquals(-1, sum / 5, 0.15);
    }

    @Test
    void whiteNoiseWouldFailTheSlopeCheck() { // the measurement can tell 1/f from flat
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        float[] frame = new float[G.pixels()];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (float) random.nextDouble();
        }
        assertEquals(0, slope(frame), 0.2);
    }

    @Test
    void naturalImagesAreHeldHalfASecondThenGray() {
        NaturalImageDomain domain = new NaturalImageDomain(G, 9);
        float[] first = domain.render(0);
        assertArrayEquals(first, domain.render(14));
        float[] gray = domain.render(15);
        for (float v : gray) {
            assertEquals(0.5f, v);
        }
        assertEquals("gray", domain.describe(29).label());
        assertEquals("image", domain.describe(30).label());
        assertTrue(ImageStatistics.correlation(first, domain.render(30)) < 0.5, "a new image after the gap");
    }

    @Test
    void naturalMoviesAre1OverFMoveSmoothlyAndCut() {
        NaturalMovieDomain domain = new NaturalMovieDomain(G, 3);
        double slope = slope(domain.render(5));
        assertEquals(-1, slope, 0.4);
        int cuts = 0;
        for (long f = 1; f < 30 * 20; f++) {
            boolean cut = domain.describe(f).get("cut") == 1;
            double r = ImageStatistics.correlation(domain.render(f - 1), domain.render(f));
            if (cut) {
                cuts++;
                assertTrue(r < 0.5, "frame " + f + " is a cut but correlates " + r + " with the last");
            } else {
                assertTrue(r > 0.6, "frame " + f + " jumps: correlation " + r);
            }
        }
        // 20 s with a cut every 2 to 5 s.
        assertTrue(cuts >= 3 && cuts <= 10, cuts + " cuts");
    }

    @Test
    void directionalNoiseDriftsInItsClaimedDirection() {
        DirectionalPinkNoiseDomain domain = new DirectionalPinkNoiseDomain(G, 77);
        for (int trial = 0; trial < 6; trial++) {
            long frame = trial * 30L + 5;
            double claimed = domain.describe(frame).get("direction_deg");
            int[] shift = ImageStatistics.displacement(domain.render(frame), domain.render(frame + 4), G.width(), G.height(), 10);
            double measured = Math.toDegrees(Math.atan2(-shift[1], shift[0])); // rows grow downwards
            double travelled = Math.hypot(shift[0], shift[1]);
            assertTrue(ImageStatistics.angleDifferenceDeg(measured, claimed) < 12,
                    "trial " + trial + ": claimed " + claimed + ", content moved " + shift[0] + "," + shift[1]);
            assertEquals(4 * DirectionalPinkNoiseDomain.SPEED_PX_PER_FRAME, travelled, 1.5);
        }
    }

    @Test
    void everyBlockOfSixteenTrialsShowsAllSixteenDirections() {
        DirectionalPinkNoiseDomain domain = new DirectionalPinkNoiseDomain(G, 8);
        Set<Double> directions = new HashSet<>();
        for (int trial = 16; trial < 32; trial++) {
            directions.add(domain.describe(trial * 30L).get("direction_deg"));
        }
        assertEquals(16, directions.size());
    }
}
