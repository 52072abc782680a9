package io.twinloop.recordings.npy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a {@code .npy} file (format 1.0 to 3.0): element type, byte order, axis order, shape and
 * where the data starts. The one parser of it in the project.
 *
 * @param dtype      NumPy type without byte order: f4, f8, u1, i1, i2, u2, i4, i8, b1, or U&lt;n&gt;
 * @param bigEndian  whether multi-byte elements are stored big-endian ({@code '>'})
 * @param fortran    whether the data is in Fortran (column-major) order
 * @param shape      the array's shape (empty for a scalar)
 * @param dataOffset bytes from the start of the file to the first element
 */
public record NpyHeader(String dtype, boolean bigEndian, boolean fortran, long[] shape, long dataOffset) {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z]\\d+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads the header from the start of {@code in}, leaving the stream at the first element. */
    public static NpyHeader read(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic.length < MAGIC.length || magic[i] != MAGIC[i]) {
                throw new IOException(source + ": not a .npy file (bad magic)");
            }
        }
        byte[] version = in.readNBytes(2);
        if (version.length < 2) {
            throw new IOException(source + ": truncated .npy header");
        }
        long headerLength;
        long headerStart;
        if (version[0] == 1) {
            headerLength = ByteBuffer.wrap(bytes(in, 2, source)).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
            headerStart = 10;
        } else if (version[0] == 2 || version[0] == 3) {
            headerLength = ByteBuffer.wrap(bytes(in, 4, source)).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            headerStart = 12;
        } else {
            throw new IOException(source + ": unsupported .npy version " + version[0]);
        }
        // Version 3.0 allows UTF-8 in the header; 1.0 and 2.0 are Latin-1. The keys we read are ASCII either way.
        String header = new String(bytes(in, Math.toIntExact(headerLength), source),
                version[0] == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher order = ORDER.matcher(header);
        Matcher shapeMatch = SHAPE.matcher(header);
        if (!descr.find() || !order.find() || !shapeMatch.find()) {
            throw new IOException(source + ": unreadable .npy header: " + header.trim());
        }
        List<Long> dims = new ArrayList<>();
        for (String part : shapeMatch.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Long.parseLong(part.trim()));
            }
        }
        String dtype = descr.group(2);
        try {
            NpyArray.itemBytes(dtype, source);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        return new NpyHeader(dtype, descr.group(1).equals(">"), order.group(1).equals("True"),
                dims.stream().mapToLong(Long::longValue).toArray(), headerStart + headerLength);
    }

    /** @return the number of elements */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** @return bytes of the whole data section */
    public long dataBytes() {
        return size() * NpyArray.itemBytes(dtype, "header");
    }

    private static byte[] bytes(InputStream in, int length, String source) throws IOException {
        byte[] out = in.readNBytes(length);
        if (out.length != length) {
            throw new IOException(source + ": truncated .npy header");
        }
        return out;
    }
}
