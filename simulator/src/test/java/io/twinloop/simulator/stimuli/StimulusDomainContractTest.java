package io.twinloop.simulator.stimuli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every domain promises: size, range, reproducibility from a seed, variety, speed. */
class StimulusDomainContractTest {
    private static final FrameGeometry G = FrameGeometry.STANDARD;

    @ParameterizedTest
    @EnumSource(DomainKind.class)
    void framesHaveTheGeometrysSizeAndLuminanceRange(DomainKind kind) {
        StimulusDomain domain = kind.create(11);
        for (long i : new long[] {0, 1, 50, 299}) {
            float[] frame = domain.render(i);
            assertEquals(144 * 256, frame.length);
            for (float v : frame) {
                assertTrue(v >= 0 && v <= 1, kind + " frame " + i + " has luminance " + v);
            }
        }
        assertEquals(G, domain.geometry());
        assertFalse(domain.describe(0).parameters().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(DomainKind.class)
    void sameSeedGivesSameFramesInAnyOrder(DomainKind kind) {
        StimulusDomain forwards = kind.create(42);
        StimulusDomain backwards = kind.create(42);
        long[] indices = {0, 1, 2, 33, 95, 400};
        float[][] seen = new float[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            seen[i] = forwards.render(indices[i]);
        }
        for (int i = indices.length - 1; i >= 0; i--) {
            assertArrayEquals(seen[i], backwards.render(indices[i]), kind + " frame " + indices[i]);
            assertEquals(forwards.describe(indices[i]), backwards.describe(indices[i]));
        }
    }

    @ParameterizedTest
    @EnumSource(DomainKind.class)
    void differentSeedsGiveDifferentFrames(DomainKind kind) {
        float[] a = kind.create(1).render(3);
        float[] b = kind.create(2).render(3);
        assertFalse(Arrays.equals(a, b), kind + " ignores its seed");
    }

    @org.junit.jupiter.api.Tag("slow") // a wall-clock bound: the -Pslow profile
    @ParameterizedTest
    @EnumSource(DomainKind.class)
    void rendersAFrameInWellUnderFiveMilliseconds(DomainKind kind) {
        StimulusDomain domain = kind.create(5);
        float[] out = new float[G.pixels()];
        for (int i = 0; i < 120; i++) { // warm-up: JIT
            domain.render(i, out);
        }
        int frames = 300;
        // CPU time of this thread: the build machine is shared, and waiting for a core is not rendering.
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 120; i < 120 + frames; i++) {
            domain.render(i, out);
        }
        double cpuMs = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6 / frames;
        double wallMs = (System.nanoTime() - start) / 1e6 / frames;
        System.out.printf("%s: %.3f ms CPU (%.3f ms wall) per frame, mean over %d, trial set-up included%n",
                kind, cpuMs, wallMs, frames);
        assertTrue(cpuMs < 5, kind + " takes " + cpuMs + " ms of CPU per frame");
    }

    @ParameterizedTest
    @EnumSource(DomainKind.class)
    void gray8EncodingKeepsEveryPixel(DomainKind kind) {
        float[] frame = kind.create(3).render(10);
        byte[] gray = FramePixels.toGray8(frame);
        assertEquals(frame.length, gray.length);
        for (int i = 0; i < frame.length; i += 97) {
            assertEquals(frame[i] * 255, gray[i] & 0xFF, 0.51);
        }
    }
}
