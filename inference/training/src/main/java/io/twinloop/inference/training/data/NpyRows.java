package io.twinloop.inference.training.data;

import io.twinloop.proto.npy.NpyArray;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Random access to a {@code .npy} file by rows of its first axis, so that a training clip of 70
 * frames is read from disk without loading the whole trial ({@link io.twinloop.proto.npy.Npy} reads
 * whole files). Also reads NumPy unicode string arrays ({@code <U…}), which Sensorium keeps its
 * trial tiers in.
 */
public final class NpyRows {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z]\\d+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final Path path;
    private final String dtype;
    private final long[] shape;
    private final long dataOffset;

    private NpyRows(Path path, String dtype, long[] shape, long dataOffset) {
        this.path = path;
        this.dtype = dtype;
        this.shape = shape;
        this.dataOffset = dataOffset;
    }

    /** Reads only the header of {@code path}. */
    public static NpyRows open(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer preamble = readFully(channel, 0, 10, path);
            for (int i = 0; i < MAGIC.length; i++) {
                if (preamble.get(i) != MAGIC[i]) {
                    throw new IOException(path + ": not a .npy file (bad magic)");
                }
            }
            int major = preamble.get(6);
            long headerStart;
            long headerLength;
            if (major == 1) {
                headerLength = preamble.order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff;
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                headerLength = readFully(channel, 8, 4, path).order(ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xffffffffL;
                headerStart = 12;
            } else {
                throw new IOException(path + ": unsupported .npy version " + major);
            }
            ByteBuffer raw = readFully(channel, headerStart, Math.toIntExact(headerLength), path);
            String header = StandardCharsets.ISO_8859_1.decode(raw).toString();
            Matcher descr = DESCR.matcher(header);
            Matcher order = ORDER.matcher(header);
            Matcher shapeMatch = SHAPE.matcher(header);
            if (!descr.find() || !order.find() || !shapeMatch.find()) {
                throw new IOException(path + ": unreadable .npy header: " + header.trim());
            }
            if (descr.group(1).equals(">")) {
                throw new IOException(path + ": big-endian arrays are not supported");
            }
            if (order.group(1).equals("True")) {
                throw new IOException(path + ": Fortran-order arrays are not supported");
            }
            List<Long> dims = new ArrayList<>();
            for (String part : shapeMatch.group(1).split(",")) {
                if (!part.isBlank()) {
                    dims.add(Long.parseLong(part.trim()));
                }
            }
            long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
            NpyRows rows = new NpyRows(path, descr.group(2), shape, headerStart + headerLength);
            long expected = rows.dataOffset + rows.rowBytes() * (shape.length == 0 ? 1 : shape[0]);
            if (channel.size() < expected) {
                throw new IOException(path + ": truncated .npy data: expected " + expected + " bytes, file has "
                        + channel.size());
            }
            return rows;
        }
    }

    public Path path() {
        return path;
    }

    /** @return NumPy type without byte order, e.g. {@code u1}, {@code f4}, {@code U5} */
    public String dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** @return the length of the first axis (1 for a scalar) */
    public long rows() {
        return shape.length == 0 ? 1 : shape[0];
    }

    /**
     * Reads rows {@code [first, first + count)} of the first axis.
     *
     * @return those rows with the file's dtype, shape {@code [count, shape[1:]...]}
     */
    public NpyArray read(long first, long count) throws IOException {
        if (first < 0 || count < 0 || first + count > rows()) {
            throw new IOException(path + ": rows [" + first + ", " + (first + count) + ") outside [0, " + rows() + ")");
        }
        long[] outShape = shape.length == 0 ? new long[0] : shape.clone();
        if (outShape.length > 0) {
            outShape[0] = count;
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer data = readFully(channel, dataOffset + first * rowBytes(), Math.toIntExact(count * rowBytes()), path);
            return new NpyArray(dtype, outShape, data);
        }
    }

    /** @return the whole array */
    public NpyArray readAll() throws IOException {
        return read(0, rows());
    }

    /** @return the elements of a NumPy unicode array ({@code U<n>}, UTF-32, NUL-padded), in C order */
    public String[] readStrings() throws IOException {
        if (!dtype.startsWith("U")) {
            throw new IOException(path + ": expected a unicode string array, found dtype " + dtype);
        }
        int chars = Integer.parseInt(dtype.substring(1));
        ByteBuffer data = readAll().data();
        int count = Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b));
        String[] out = new String[count];
        for (int i = 0; i < count; i++) {
            StringBuilder s = new StringBuilder();
            for (int c = 0; c < chars; c++) {
                int codePoint = data.getInt((i * chars + c) * 4);
                if (codePoint == 0) {
                    break;
                }
                s.appendCodePoint(codePoint);
            }
            out[i] = s.toString();
        }
        return out;
    }

    private long rowBytes() {
        long elements = 1;
        for (int i = 1; i < shape.length; i++) {
            elements *= shape[i];
        }
        int itemBytes = Integer.parseInt(dtype.substring(1)) * (dtype.startsWith("U") ? 4 : 1);
        return elements * itemBytes;
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, Path path) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException(path + ": truncated .npy file");
            }
        }
        buffer.flip();
        return buffer.order(ByteOrder.LITTLE_ENDIAN);
    }
}
