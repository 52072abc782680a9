package io.twinloop.proto.npy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An n-dimensional array as stored in a NumPy {@code .npy} file: dtype, C-order shape and raw data.
 *
 * @param dtype NumPy type string without byte order: f4, f8, u1, i1, i4, i8, b1
 * @param shape C-order shape (an empty array for a scalar)
 * @param data  little-endian raw values, position 0
 */
public record NpyArray(String dtype, long[] shape, ByteBuffer data) {

    public NpyArray {
        data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public int[] intShape() {
        return Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
    }

    /** @return values as float32, converting from any numeric dtype */
    public float[] asFloats() {
        int n = Math.toIntExact(size());
        float[] out = new float[n];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case "f4" -> b.asFloatBuffer().get(out);
            default -> {
                double[] d = asDoubles();
                for (int i = 0; i < n; i++) {
                    out[i] = (float) d[i];
                }
            }
        }
        return out;
    }

    /** @return values as float64, converting from any numeric dtype */
    public double[] asDoubles() {
        int n = Math.toIntExact(size());
        double[] out = new double[n];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case "f4" -> b.getFloat();
                case "f8" -> b.getDouble();
                case "u1", "b1" -> b.get() & 0xff;
                case "i1" -> b.get();
                case "i2" -> b.getShort();
                case "u2" -> b.getShort() & 0xffff;
                case "i4" -> b.getInt();
                case "i8" -> b.getLong();
                default -> throw new IllegalStateException("unsupported dtype " + dtype);
            };
        }
        return out;
    }

    /** @return the raw bytes of a one-byte dtype (u1, i1, b1) */
    public byte[] asBytes() {
        if (!dtype.equals("u1") && !dtype.equals("i1") && !dtype.equals("b1")) {
            throw new IllegalStateException("asBytes needs a one-byte dtype, not " + dtype);
        }
        byte[] out = new byte[Math.toIntExact(size())];
        data.duplicate().get(out);
        return out;
    }

    public static NpyArray ofFloats(float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return checked(new NpyArray("f4", shape, b), values.length);
    }

    public static NpyArray ofDoubles(double[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return checked(new NpyArray("f8", shape, b), values.length);
    }

    public static NpyArray ofBytes(byte[] values, long... shape) {
        return checked(new NpyArray("u1", shape, ByteBuffer.wrap(values)), values.length);
    }

    public static NpyArray ofLongs(long[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return checked(new NpyArray("i8", shape, b), values.length);
    }

    private static NpyArray checked(NpyArray a, int length) {
        if (a.size() != length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(a.shape) + " holds " + a.size() + " values, got " + length);
        }
        return a;
    }
}
