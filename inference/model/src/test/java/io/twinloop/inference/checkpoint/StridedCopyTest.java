package io.twinloop.inference.checkpoint;

import io.twinloop.inference.model.CheckpointException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StridedCopyTest {

    private static ByteBuffer floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b;
    }

    private static float[] copy(ByteBuffer storage, long offset, long[] size, long[] stride) {
        ByteBuffer out = StridedCopy.contiguous(storage, 4, offset, size, stride, "t");
        float[] values = new float[out.remaining() / 4];
        out.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    @Test
    void transposedSlicedAndBroadcastViews() {
        ByteBuffer storage = floats(0, 1, 2, 3, 4, 5); // a 2 x 3 matrix
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, copy(storage, 0, new long[] {3, 2}, new long[] {1, 3}));
        assertArrayEquals(new float[] {4, 5}, copy(storage, 4, new long[] {2}, new long[] {1}));
        assertArrayEquals(new float[] {1, 2, 1, 2}, copy(storage, 1, new long[] {2, 2}, new long[] {0, 1}));
        assertArrayEquals(new float[] {3}, copy(storage, 3, new long[] {}, new long[] {}));
    }

    @Test
    void viewsOutsideTheStorageAreRefused() {
        ByteBuffer storage = floats(0, 1, 2, 3);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> copy(storage, 2, new long[] {3}, new long[] {1}));
        assertTrue(e.getMessage().contains("reaches element 4 of a storage of 4"), e.getMessage());
        assertThrows(CheckpointException.class, () -> copy(storage, 0, new long[] {2}, new long[] {1, 1}));
        assertThrows(CheckpointException.class, () -> copy(storage, 0, new long[] {2, 2}, new long[] {-1, 1}));
        CheckpointException huge = assertThrows(CheckpointException.class,
                () -> copy(storage, 0, new long[] {1L << 40, 1L << 40}, new long[] {0, 0}));
        assertTrue(huge.getMessage().contains("larger than 2 GiB"), huge.getMessage());
    }
}
