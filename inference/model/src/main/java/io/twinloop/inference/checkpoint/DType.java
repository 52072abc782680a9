package io.twinloop.inference.checkpoint;

import ai.djl.ndarray.types.DataType;

import java.util.Optional;

/**
 * Element types a checkpoint tensor can have, with their names in the three worlds a checkpoint
 * crosses: torch's pickled storage classes, NumPy's {@code .npy} descr, and DJL's {@link DataType}.
 */
public enum DType {
    FLOAT32(4, "FloatStorage", "f4", DataType.FLOAT32),
    FLOAT64(8, "DoubleStorage", "f8", DataType.FLOAT64),
    FLOAT16(2, "HalfStorage", "f2", DataType.FLOAT16),
    /** NumPy has no bfloat16: such tensors load into DJL but cannot go into a {@code .npy}. */
    BFLOAT16(2, "BFloat16Storage", null, DataType.BFLOAT16),
    INT64(8, "LongStorage", "i8", DataType.INT64),
    INT32(4, "IntStorage", "i4", DataType.INT32),
    INT16(2, "ShortStorage", "i2", DataType.INT16),
    INT8(1, "CharStorage", "i1", DataType.INT8),
    UINT8(1, "ByteStorage", "u1", DataType.UINT8),
    BOOL(1, "BoolStorage", "b1", DataType.BOOLEAN);

    private final int bytes;
    private final String torchStorage;
    private final String numpy;
    private final DataType djl;

    DType(int bytes, String torchStorage, String numpy, DataType djl) {
        this.bytes = bytes;
        this.torchStorage = torchStorage;
        this.numpy = numpy;
        this.djl = djl;
    }

    /** @return bytes per element */
    public int bytes() {
        return bytes;
    }

    public DataType djl() {
        return djl;
    }

    public boolean hasNumpyType() {
        return numpy != null;
    }

    /** @return the NumPy descr without byte order (f4, i8, b1, ...) */
    public String numpy() {
        if (numpy == null) {
            throw new UnsupportedOperationException(this + " has no NumPy equivalent");
        }
        return numpy;
    }

    /**
     * @param storageClass the class name torch pickles for a typed storage, e.g. {@code FloatStorage};
     *                     {@code UntypedStorage} holds raw bytes
     */
    public static Optional<DType> ofTorchStorage(String storageClass) {
        if (storageClass.equals("UntypedStorage")) {
            return Optional.of(UINT8);
        }
        for (DType t : values()) {
            if (t.torchStorage.equals(storageClass)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static Optional<DType> ofNumpy(String descr) {
        for (DType t : values()) {
            if (descr.equals(t.numpy)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static Optional<DType> ofDjl(DataType type) {
        for (DType t : values()) {
            if (t.djl == type) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
