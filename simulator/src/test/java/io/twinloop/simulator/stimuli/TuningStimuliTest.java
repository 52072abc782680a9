package io.twinloop.simulator.stimuli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TuningStimuliTest {

    private final TuningStimuli stimuli = new TuningStimuli(FrameGeometry.STANDARD, 5);

    /** Correlation of frame b with frame a moved by (dx right, dy down) pixels, over the pixels both cover. */
    private static double shiftedCorrelation(float[] a, float[] b, int dx, int dy) {
        int w = FrameGeometry.STANDARD.width();
        int h = FrameGeometry.STANDARD.height();
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        int n = 0;
        for (int y = 8; y < h - 8; y++) {
            for (int x = 8; x < w - 8; x++) {
                double va = a[(y - dy) * w + (x - dx)];
                double vb = b[y * w + x];
                sa += va;
                sb += vb;
                saa += va * va;
                sbb += vb * vb;
                sab += va * vb;
                n++;
            }
        }
        double cov = sab / n - sa / n * sb / n;
        return cov / Math.sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
    }

    @Test
    void noiseDriftsTwoPixelsPerFrameInItsDirection() {
        // direction 0: rightwards; 4 (90 deg): upwards, i.e. towards smaller rows
        float[][] right = stimuli.directionalNoise(0, 0, 2);
        assertTrue(shiftedCorrelation(right[0], right[1], 2, 0) > 0.99);
        assertTrue(shiftedCorrelation(right[0], right[1], -2, 0) < 0.9);
        float[][] up = stimuli.directionalNoise(4, 0, 2);
        assertTrue(shiftedCorrelation(up[0], up[1], 0, -2) > 0.99);
        assertTrue(shiftedCorrelation(up[0], up[1], 0, 2) < 0.9);
    }

    @Test
    void everyDirectionAndRepeatHasItsOwnTexture() {
        float[] a = stimuli.directionalNoise(3, 0, 1)[0];
        float[] b = stimuli.directionalNoise(3, 1, 1)[0];
        assertNotEquals(a[1000], b[1000]);
        assertEquals(a[1000], stimuli.directionalNoise(3, 0, 1)[0][1000]);
    }

    @Test
    void offDotIsDarkestAtItsGridCentre() {
        float[] dot = stimuli.offDot(11, 7);
        int darkest = 0;
        for (int p = 0; p < dot.length; p++) {
            if (dot[p] < dot[darkest]) {
                darkest = p;
            }
        }
        int w = FrameGeometry.STANDARD.width();
        // pixel (row, column) has its centre at (column + 0.5, row + 0.5)
        assertEquals(stimuli.dotX(7), darkest % w + 0.5, 0.5);
        assertEquals(stimuli.dotY(11), darkest / w + 0.5, 0.5);
        assertTrue(dot[darkest] < 0.05f);
        assertEquals(Luminance.GRAY, dot[0], 1e-6);
    }
}
