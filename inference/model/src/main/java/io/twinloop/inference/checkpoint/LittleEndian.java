package io.twinloop.inference.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Byte-order conversion of raw element buffers. */
final class LittleEndian {

    private LittleEndian() {
    }

    /**
     * @param raw          elements in {@code raw.order()}
     * @param elementBytes bytes per element
     * @return the same elements little-endian (the buffer itself when it already is)
     */
    static ByteBuffer of(ByteBuffer raw, int elementBytes) {
        if (raw.order() == ByteOrder.LITTLE_ENDIAN || elementBytes == 1) {
            return raw.duplicate();
        }
        return swapped(raw, elementBytes);
    }

    /** @return a copy with the bytes of every element reversed */
    static ByteBuffer swapped(ByteBuffer raw, int elementBytes) {
        ByteBuffer in = raw.duplicate();
        ByteBuffer out = ByteBuffer.allocate(in.remaining());
        byte[] element = new byte[elementBytes];
        while (in.remaining() >= elementBytes) {
            in.get(element);
            for (int i = elementBytes - 1; i >= 0; i--) {
                out.put(element[i]);
            }
        }
        return out.flip();
    }
}
