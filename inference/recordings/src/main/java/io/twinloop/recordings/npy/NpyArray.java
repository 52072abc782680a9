package io.twinloop.recordings.npy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An n-dimensional array as stored in a NumPy {@code .npy} file: dtype, C-order shape and raw data.
 *
 * @param dtype NumPy type string without byte order: f4, f8, u1, i1, i2, u2, i4, i8, b1, or U&lt;n&gt; (unicode)
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
                case "u4" -> b.getInt() & 0xffffffffL;
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

    /** @return the elements of a unicode array ({@code U<n>}: n UTF-32 code points each, NUL-padded), C order */
    public String[] asStrings() {
        if (!dtype.startsWith("U")) {
            throw new IllegalStateException("asStrings needs a unicode dtype, not " + dtype);
        }
        int chars = Integer.parseInt(dtype.substring(1));
        String[] out = new String[Math.toIntExact(size())];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            StringBuilder s = new StringBuilder();
            for (int c = 0; c < chars; c++) {
                int codePoint = b.getInt((i * chars + c) * 4);
                if (codePoint != 0) {
                    s.appendCodePoint(codePoint);
                }
            }
            out[i] = s.toString();
        }
        return out;
    }

    /** @return the values of an integer array of any shape, in C order */
    public long[] asLongs() {
        double[] values = asDoubles();
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (long) values[i];
        }
        return out;
    }

    /** @return a two-dimensional array as rows [shape[0]][shape[1]] */
    public float[][] asFloatRows(String what) {
        int[] shape = twoDimensional(what);
        float[] flat = asFloats();
        float[][] rows = new float[shape[0]][];
        for (int r = 0; r < shape[0]; r++) {
            rows[r] = Arrays.copyOfRange(flat, r * shape[1], (r + 1) * shape[1]);
        }
        return rows;
    }

    /** @return a two-dimensional array as rows [shape[0]][shape[1]] */
    public double[][] asDoubleRows(String what) {
        int[] shape = twoDimensional(what);
        double[] flat = asDoubles();
        double[][] rows = new double[shape[0]][];
        for (int r = 0; r < shape[0]; r++) {
            rows[r] = Arrays.copyOfRange(flat, r * shape[1], (r + 1) * shape[1]);
        }
        return rows;
    }

    private int[] twoDimensional(String what) {
        if (shape.length != 2) {
            throw new IllegalArgumentException(what + ": expected 2 dimensions, got " + Arrays.toString(shape));
        }
        return intShape();
    }

    /** @return rows of equal length as a float32 [rows, columns] array */
    public static NpyArray ofRows(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return ofFloats(flat, rows.length, cols);
    }

    /** @return rows of equal length as a float64 [rows, columns] array */
    public static NpyArray ofRows(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return ofDoubles(flat, rows.length, cols);
    }

    /** @return a one-dimensional unicode array {@code U<n>}, n the longest value's code points (at least 1) */
    public static NpyArray ofStrings(String[] values) {
        int width = 1;
        for (String v : values) {
            width = Math.max(width, v.codePointCount(0, v.length()));
        }
        ByteBuffer b = ByteBuffer.allocate(values.length * width * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (String v : values) {
            int[] codePoints = v.codePoints().toArray();
            for (int i = 0; i < width; i++) {
                b.putInt(i < codePoints.length ? codePoints[i] : 0);
            }
        }
        return new NpyArray("U" + width, new long[] {values.length}, b.flip());
    }

    /** @return bytes per element of {@code dtype}; fails with {@code source} in the message on an unknown one */
    public static int itemBytes(String dtype, String source) {
        return switch (dtype) {
            case "f4", "i4", "u4" -> 4;
            case "f8", "i8", "u8" -> 8;
            case "u1", "i1", "b1" -> 1;
            case "i2", "u2", "f2" -> 2;
            default -> {
                if (dtype.matches("U\\d+")) {
                    yield 4 * Integer.parseInt(dtype.substring(1));
                }
                throw new IllegalArgumentException(source + ": unsupported .npy dtype " + dtype);
            }
        };
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
