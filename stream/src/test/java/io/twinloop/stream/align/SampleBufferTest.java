package io.twinloop.stream.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SampleBufferTest {
    @Test
    void interpolatesLinearlyBetweenTheBracketingSamples() {
        SampleBuffer buffer = new SampleBuffer(2, 16);
        buffer.add(1_000, 1f, -4f);
        buffer.add(3_000, 5f, 4f);
        SampleBuffer.Reading reading = buffer.at(1_500);
        // a quarter of the way from 1 000 to 3 000 us
        assertArrayEquals(new double[] {1 + 0.25 * 4, -4 + 0.25 * 8}, reading.values(), 1e-12);
        assertFalse(reading.held());
    }

    @Test
    void exactTimestampReadsTheSampleItself() {
        SampleBuffer buffer = new SampleBuffer(1, 16);
        buffer.add(0, 2f);
        buffer.add(10, 7f);
        assertArrayEquals(new double[] {7}, buffer.at(10).values(), 0);
        assertFalse(buffer.at(10).held());
        assertArrayEquals(new double[] {2}, buffer.at(0).values(), 0);
    }

    @Test
    void holdsTheNearestSampleOutsideTheSamples() {
        SampleBuffer buffer = new SampleBuffer(1, 16);
        buffer.add(100, 3f);
        buffer.add(200, 9f);
        assertArrayEquals(new double[] {9}, buffer.at(250).values(), 0);
        assertTrue(buffer.at(250).held());
        assertArrayEquals(new double[] {3}, buffer.at(50).values(), 0);
        assertTrue(buffer.at(50).held());
    }

    @Test
    void keepsTimeOrderAndReplacesASampleAtTheSameTime() {
        SampleBuffer buffer = new SampleBuffer(1, 16);
        buffer.add(300, 3f);
        buffer.add(100, 1f);
        buffer.add(200, 2f);
        buffer.add(200, 20f);
        assertEquals(3, buffer.size());
        assertArrayEquals(new double[] {20}, buffer.at(200).values(), 0);
        assertArrayEquals(new double[] {1 + 0.5 * 19}, buffer.at(150).values(), 1e-12);
    }

    @Test
    void coversOnlyWhenASampleIsAtOrAfterTheTime() {
        SampleBuffer buffer = new SampleBuffer(1, 16);
        assertFalse(buffer.covers(0));
        buffer.add(100, 1f);
        assertTrue(buffer.covers(100));
        assertTrue(buffer.covers(99));
        assertFalse(buffer.covers(101));
    }

    @Test
    void pruneKeepsTheLeftSideOfTheNextBracket() {
        SampleBuffer buffer = new SampleBuffer(1, 16);
        for (int t = 0; t <= 100; t += 10) {
            buffer.add(t, t);
        }
        assertTrue(buffer.pruneBefore(55));
        assertEquals(50, buffer.samples().get(0).timestampUs());
        assertArrayEquals(new double[] {55}, buffer.at(55).values(), 1e-12);
        assertTrue(buffer.pruneBefore(60));
        assertEquals(60, buffer.samples().get(0).timestampUs());
        assertFalse(buffer.pruneBefore(60));
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        SampleBuffer buffer = new SampleBuffer(1, 4);
        for (int t = 0; t < 10; t++) {
            buffer.add(t, t);
        }
        assertEquals(4, buffer.size());
        assertEquals(6, buffer.samples().get(0).timestampUs());
    }
}
