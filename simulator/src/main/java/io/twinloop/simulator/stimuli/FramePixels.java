package io.twinloop.simulator.stimuli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Encodes luminance frames in [0, 1] into the wire's pixel formats (GRAY8, GRAY_F32). */
public final class FramePixels {
    private FramePixels() {
    }

    /** One byte per pixel, 0 = black, 255 = white; values outside [0, 1] are clipped. */
    public static byte[] toGray8(float[] luminance) {
        byte[] out = new byte[luminance.length];
        for (int i = 0; i < luminance.length; i++) {
            out[i] = (byte) toGray8(luminance[i]);
        }
        return out;
    }

    /** Little-endian float32 per pixel, as GRAY_F32 carries them. */
    public static byte[] toFloat32LittleEndian(float[] luminance) {
        ByteBuffer buffer = ByteBuffer.allocate(luminance.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(luminance);
        return buffer.array();
    }

    static int toGray8(float value) {
        float clipped = value < 0f ? 0f : Math.min(value, 1f);
        return Math.round(clipped * 255f);
    }
}
