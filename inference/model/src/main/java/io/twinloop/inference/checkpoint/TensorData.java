package io.twinloop.inference.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.CheckpointException;
import io.twinloop.recordings.npy.NpyArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a checkpoint, independent of any engine: its key, element type, shape and values,
 * contiguous in C order and little-endian (whatever layout the file had).
 *
 * @param key   state_dict key, e.g. {@code core.feedforward.inputs.0.weights.0}
 * @param dtype element type
 * @param shape C-order shape; empty for a scalar
 * @param data  {@code numel * dtype.bytes()} bytes; a read-only view positioned at 0
 */
public record TensorData(String key, DType dtype, long[] shape, ByteBuffer data) {

    public TensorData {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        data = data.duplicate().rewind().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long expected = numel(shape) * dtype.bytes();
        if (data.remaining() != expected) {
            throw new CheckpointException("key '" + key + "': shape " + Arrays.toString(shape) + " of "
                    + dtype + " needs " + expected + " bytes, got " + data.remaining());
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public long numel() {
        return numel(shape);
    }

    /** @return the values of a float32 tensor */
    public float[] floats() {
        requireType(DType.FLOAT32);
        float[] out = new float[Math.toIntExact(numel())];
        data().asFloatBuffer().get(out);
        return out;
    }

    /** @return the values of a float64 tensor */
    public double[] doubles() {
        requireType(DType.FLOAT64);
        double[] out = new double[Math.toIntExact(numel())];
        data().asDoubleBuffer().get(out);
        return out;
    }

    /** @return the values of an int64 tensor */
    public long[] longs() {
        requireType(DType.INT64);
        long[] out = new long[Math.toIntExact(numel())];
        data().asLongBuffer().get(out);
        return out;
    }

    /** @return the values of any dtype as float64 (bool as 0/1), for checks and statistics */
    public double[] asDoubles() {
        int n = Math.toIntExact(numel());
        double[] out = new double[n];
        ByteBuffer b = data();
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case FLOAT32 -> b.getFloat();
                case FLOAT64 -> b.getDouble();
                case FLOAT16 -> HalfFloat.toFloat(b.getShort());
                case BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                case INT64 -> b.getLong();
                case INT32 -> b.getInt();
                case INT16 -> b.getShort();
                case INT8 -> b.get();
                case UINT8, BOOL -> b.get() & 0xff;
            };
        }
        return out;
    }

    /** @return the raw bytes (one per element for bool, uint8, int8) */
    public byte[] bytes() {
        byte[] out = new byte[data.remaining()];
        data().get(out);
        return out;
    }

    public NDArray toNDArray(NDManager manager) {
        // DJL copies from a direct buffer into the engine's memory.
        ByteBuffer direct = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.nativeOrder());
        direct.put(data());
        direct.rewind();
        NDArray array = manager.create(direct, new Shape(shape), dtype.djl());
        array.setName(key);
        return array;
    }

    public static TensorData of(String key, NDArray array) {
        DType dtype = DType.ofDjl(array.getDataType()).orElseThrow(() -> new CheckpointException(
                "key '" + key + "': data type " + array.getDataType() + " cannot go into a checkpoint"));
        ByteBuffer bytes = array.toByteBuffer();
        ByteBuffer le = ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        le.put(LittleEndian.of(bytes, dtype.bytes()));
        return new TensorData(key, dtype, array.getShape().getShape(), le.flip());
    }

    public NpyArray toNpy() {
        return new NpyArray(dtype.numpy(), shape, data());
    }

    public static TensorData of(String key, NpyArray npy) {
        DType dtype = DType.ofNumpy(npy.dtype()).orElseThrow(() -> new CheckpointException(
                "key '" + key + "': .npy dtype '" + npy.dtype() + "' is not supported"));
        return new TensorData(key, dtype, npy.shape(), npy.data());
    }

    public static TensorData ofFloats(String key, float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new TensorData(key, DType.FLOAT32, shape, b);
    }

    /** Equal when key, type, shape and every byte are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && key.equals(t.key) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * key.hashCode() + dtype.hashCode()) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return key + " " + dtype + Arrays.toString(shape);
    }

    private void requireType(DType wanted) {
        if (dtype != wanted) {
            throw new IllegalStateException("key '" + key + "' is " + dtype + ", not " + wanted);
        }
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
