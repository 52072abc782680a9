package io.twinloop.recordings.npy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes NumPy {@code .npy} files (format 1.0 to 3.0), the format in which labs hold stimuli,
 * behaviour and responses (Sensorium 2023, fnn's training layout) and in which checkpoints hold tensors.
 * Reads numeric and unicode arrays in either byte order and either axis order, and returns them as
 * little-endian C-order {@link NpyArray}s; writes little-endian C order. {@link NpyFile} reads row ranges.
 */
public final class Npy {

    private Npy() {
    }

    public static NpyArray read(Path path) throws IOException {
        return NpyFile.open(path).readAll();
    }

    /** @param source a name for error messages */
    public static NpyArray read(InputStream in, String source) throws IOException {
        NpyHeader header = NpyHeader.read(in, source);
        long bytes = header.dataBytes();
        byte[] data = in.readNBytes(Math.toIntExact(bytes));
        if (data.length != bytes) {
            throw new IOException(source + ": truncated .npy data: expected " + bytes + " bytes, got " + data.length);
        }
        return canonical(header, header.shape(), ByteBuffer.wrap(data));
    }

    /** @return the elements of a unicode array ({@code U<n>}), in C order */
    public static String[] readStrings(Path path) throws IOException {
        NpyArray array = read(path);
        if (!array.dtype().startsWith("U")) {
            throw new IOException(path + ": expected a unicode string array, found dtype " + array.dtype());
        }
        return array.asStrings();
    }

    public static void writeStrings(Path path, String[] values) throws IOException {
        write(path, NpyArray.ofStrings(values));
    }

    public static void write(Path path, NpyArray array) throws IOException {
        if (path.toAbsolutePath().getParent() != null) {
            Files.createDirectories(path.toAbsolutePath().getParent());
        }
        try (OutputStream out = Files.newOutputStream(path)) {
            write(out, array);
        }
    }

    public static void write(OutputStream out, NpyArray array) throws IOException {
        String dtype = array.dtype();
        String byteOrder = NpyArray.itemBytes(dtype, "write") == 1 ? "|" : "<";
        StringBuilder shape = new StringBuilder();
        for (long d : array.shape()) {
            shape.append(d).append(", ");
        }
        if (array.shape().length > 1) {
            shape.setLength(shape.length() - 2);
        } else if (array.shape().length == 1) {
            shape.setLength(shape.length() - 1);
        }
        StringBuilder header = new StringBuilder("{'descr': '" + byteOrder + dtype
                + "', 'fortran_order': False, 'shape': (" + shape + "), }");
        // Pad so that magic + version + length + header is a multiple of 64, ending in '\n'.
        int total = NpyHeader.MAGIC.length + 2 + 2 + header.length() + 1;
        header.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        out.write(NpyHeader.MAGIC);
        out.write(new byte[] {1, 0});
        out.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
        out.write(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer data = array.data().duplicate();
        byte[] raw = new byte[data.remaining()];
        data.get(raw);
        out.write(raw);
    }

    /**
     * @param shape the shape of {@code raw} (the header's, or fewer rows of it)
     * @return {@code raw} as little-endian C order
     */
    static NpyArray canonical(NpyHeader header, long[] shape, ByteBuffer raw) {
        String dtype = header.dtype();
        int item = NpyArray.itemBytes(dtype, "read");
        // A unicode element is a run of 4-byte code units, each swapped on its own.
        int unit = dtype.startsWith("U") ? 4 : item;
        byte[] bytes = new byte[raw.remaining()];
        raw.duplicate().get(bytes);
        if (header.bigEndian() && unit > 1) {
            for (int at = 0; at < bytes.length; at += unit) {
                for (int i = 0; i < unit / 2; i++) {
                    byte b = bytes[at + i];
                    bytes[at + i] = bytes[at + unit - 1 - i];
                    bytes[at + unit - 1 - i] = b;
                }
            }
        }
        if (header.fortran() && shape.length > 1) {
            bytes = fortranToC(bytes, shape, item);
        }
        return new NpyArray(dtype, shape.clone(), ByteBuffer.wrap(bytes));
    }

    /** Reorders column-major elements of {@code shape} into row-major ones. */
    private static byte[] fortranToC(byte[] fortran, long[] shape, int item) {
        int dims = shape.length;
        int count = Math.toIntExact(fortran.length / item);
        byte[] c = new byte[fortran.length];
        long[] fortranStride = new long[dims];
        long stride = 1;
        for (int d = 0; d < dims; d++) {
            fortranStride[d] = stride;
            stride *= shape[d];
        }
        long[] index = new long[dims];
        for (int i = 0; i < count; i++) {
            long from = 0;
            for (int d = 0; d < dims; d++) {
                from += index[d] * fortranStride[d];
            }
            System.arraycopy(fortran, Math.toIntExact(from * item), c, i * item, item);
            for (int d = dims - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return c;
    }
}
