package io.twinloop.simulator.stimuli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Recovers each Gabor's direction, spatial and temporal frequency from its pixels (the peak of the
 * Fourier transform and its phase advance from frame to frame) and compares with what it claims.
 */
class DriftingGaborDomainTest {
    private static final FrameGeometry G = FrameGeometry.STANDARD;

    @Test
    void pixelsShowTheClaimedDirectionSpatialAndTemporalFrequency() {
        DriftingGaborDomain domain = new DriftingGaborDomain(G, 2024);
        for (int gabor = 0; gabor < 6; gabor++) {
            long frame = gabor * 30L + 10;
            FrameDescription claim = domain.describe(frame);
            float[] now = domain.render(frame);
            float[] next = domain.render(frame + 1);

            double[] peak = spectralPeak(now);
            double thetaDeg = peak[0];
            double sf = peak[1];
            double phaseStep = phaseAdvance(now, next, thetaDeg, sf);
            // The drift runs along the wave vector when the phase falls, against it when it rises.
            double directionDeg = phaseStep < 0 ? thetaDeg : thetaDeg + 180;
            double tf = Math.abs(phaseStep) * G.frameRateHz() / (2 * Math.PI);

            String what = "gabor " + gabor + " " + claim.parameters();
            assertTrue(ImageStatistics.angleDifferenceDeg(directionDeg, claim.get("direction_deg")) < 3, what + " measured direction " + directionDeg);
            assertEquals(claim.get("sf_cpp"), sf, 0.08 * claim.get("sf_cpp"), what);
            assertEquals(claim.get("tf_hz"), tf, 0.05 * claim.get("tf_hz"), what);
        }
    }

    @Test
    void eachGaborLastsOneSecond() {
        DriftingGaborDomain domain = new DriftingGaborDomain(G, 5);
        assertEquals(domain.describe(0).get("gabor"), domain.describe(29).get("gabor"));
        assertEquals(domain.describe(0).get("gabor") + 1, domain.describe(30).get("gabor"));
        assertEquals(1.0, domain.describe(300).get("trial"));
    }

    /** Fourier coefficient of (frame - gray) at wave vector (direction thetaDeg y-up, sf cycles/pixel). */
    private static double[] coefficient(float[] frame, double thetaDeg, double sf) {
        double theta = Math.toRadians(thetaDeg);
        double kx = 2 * Math.PI * sf * Math.cos(theta);
        double kyDown = -2 * Math.PI * sf * Math.sin(theta);
        double re = 0;
        double im = 0;
        for (int row = 0; row < G.height(); row++) {
            double rowRe = 0;
            double rowIm = 0;
            for (int col = 0; col < G.width(); col++) {
                double v = frame[row * G.width() + col] - 0.5;
                double a = kx * col;
                rowRe += v * Math.cos(a);
                rowIm -= v * Math.sin(a);
            }
            double b = kyDown * row;
            re += rowRe * Math.cos(b) + rowIm * Math.sin(b);
            im += rowIm * Math.cos(b) - rowRe * Math.sin(b);
        }
        return new double[] {re, im};
    }

    private static double magnitude(float[] frame, double thetaDeg, double sf) {
        double[] c = coefficient(frame, thetaDeg, sf);
        return Math.hypot(c[0], c[1]);
    }

    /** (orientation in [0, 180) degrees, sf) maximising the amplitude spectrum: coarse grid, then finer. */
    private static double[] spectralPeak(float[] frame) {
        double bestTheta = 0;
        double bestSf = 0;
        double best = -1;
        for (double theta = 0; theta < 180; theta += 6) {
            for (double logSf = Math.log(0.006); logSf < Math.log(0.07); logSf += 0.1) {
                double m = magnitude(frame, theta, Math.exp(logSf));
                if (m > best) {
                    best = m;
                    bestTheta = theta;
                    bestSf = Math.exp(logSf);
                }
            }
        }
        double coarseTheta = bestTheta;
        double coarseSf = bestSf;
        for (double theta = coarseTheta - 6; theta <= coarseTheta + 6; theta += 0.5) {
            for (double scale = 0.88; scale <= 1.12; scale += 0.01) {
                double m = magnitude(frame, theta, coarseSf * scale);
                if (m > best) {
                    best = m;
                    bestTheta = theta;
                    bestSf = coarseSf * scale;
                }
            }
        }
        return new double[] {bestTheta, bestSf};
    }

    /** Phase change of the Fourier coefficient at the peak from one frame to the next, in (-pi, pi]. */
    private static double phaseAdvance(float[] now, float[] next, double thetaDeg, double sf) {
        double[] a = coefficient(now, thetaDeg, sf);
        double[] b = coefficient(next, thetaDeg, sf);
        // arg(b * conj(a)) is the wrapped difference.
        return Math.atan2(b[1] * a[0] - b[0] * a[1], b[0] * a[0] + b[1] * a[1]);
    }
}
