package io.twinloop.inference.checkpoint;

import io.twinloop.inference.model.CheckpointException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Copies a strided view of a storage (offset, size, stride) into a contiguous C-order buffer. */
final class StridedCopy {

    private StridedCopy() {
    }

    /**
     * @param storage      the storage's elements, position 0
     * @param elementBytes bytes per element
     * @param what         names the tensor in errors (file and key)
     * @throws CheckpointException if the view reaches outside the storage
     */
    static ByteBuffer contiguous(ByteBuffer storage, int elementBytes, long offset, long[] size, long[] stride,
                                 String what) {
        return contiguous(storage, elementBytes, offset, size, stride, what, null);
    }

    /**
     * As {@link #contiguous(ByteBuffer, int, long, long[], long[], String)}, taking the copy's bytes from
     * {@code budget} (when not null) before allocating: a zero stride (an expanded view, which torch saves as
     * such) can make a view of one element any size, and the budget bounds it.
     */
    static ByteBuffer contiguous(ByteBuffer storage, int elementBytes, long offset, long[] size, long[] stride,
                                 String what, LoadBudget budget) {
        if (size.length != stride.length) {
            throw new CheckpointException(what + ": size " + Arrays.toString(size) + " and stride "
                    + Arrays.toString(stride) + " differ in rank");
        }
        long numel = 1;
        long last = offset;
        try {
            for (int d = 0; d < size.length; d++) {
                if (size[d] < 0 || stride[d] < 0) {
                    throw new CheckpointException(what + ": negative size or stride " + Arrays.toString(size) + " / "
                            + Arrays.toString(stride));
                }
                numel = Math.multiplyExact(numel, size[d]);
                last = Math.addExact(last, size[d] == 0 ? 0 : Math.multiplyExact(size[d] - 1, stride[d]));
            }
            Math.toIntExact(Math.multiplyExact(numel, elementBytes));
        } catch (ArithmeticException e) {
            throw new CheckpointException(what + ": size " + Arrays.toString(size)
                    + " is larger than 2 GiB, which this reader does not support");
        }
        long available = storage.remaining() / elementBytes;
        if (numel > 0 && (offset < 0 || last >= available)) {
            throw new CheckpointException(what + ": view (offset " + offset + ", size " + Arrays.toString(size)
                    + ", stride " + Arrays.toString(stride) + ") reaches element " + last + " of a storage of "
                    + available);
        }
        if (budget != null) {
            budget.take(numel * elementBytes, what.substring(what.indexOf(": ") + 2) + " (size " + Arrays.toString(size)
                    + ", stride " + Arrays.toString(stride) + ")");
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(numel * elementBytes)).order(ByteOrder.LITTLE_ENDIAN);
        if (numel == 0) {
            return out;
        }
        if (isContiguous(size, stride)) {
            ByteBuffer slice = storage.duplicate();
            slice.position(Math.toIntExact(offset * elementBytes)).limit(Math.toIntExact((offset + numel) * elementBytes));
            return out.put(slice).flip();
        }
        byte[] src = new byte[storage.remaining()];
        storage.duplicate().get(src);
        byte[] dst = out.array();
        long[] index = new long[size.length];
        for (long n = 0; n < numel; n++) {
            long element = offset;
            for (int d = 0; d < size.length; d++) {
                element += index[d] * stride[d];
            }
            System.arraycopy(src, Math.toIntExact(element * elementBytes), dst, Math.toIntExact(n * elementBytes),
                    elementBytes);
            for (int d = size.length - 1; d >= 0 && ++index[d] == size[d]; d--) {
                index[d] = 0;
            }
        }
        return out;
    }

    /** Dimensions of size 1 may carry any stride, as in torch. */
    private static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }
}
