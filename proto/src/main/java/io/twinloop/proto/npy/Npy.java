package io.twinloop.proto.npy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format 1.0 to 3.0, little-endian, C order), the format
 * in which labs hold stimuli, behaviour and responses (Sensorium 2023 and fnn's training layout).
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z]\\d+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static NpyArray read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        }
    }

    /** @param source a name for error messages */
    public static NpyArray read(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(6);
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic.length < MAGIC.length || magic[i] != MAGIC[i]) {
                throw new IOException(source + ": not a .npy file (bad magic)");
            }
        }
        byte[] version = in.readNBytes(2);
        if (version.length < 2) {
            throw new IOException(source + ": truncated .npy header");
        }
        int headerLength;
        if (version[0] == 1) {
            byte[] len = in.readNBytes(2);
            headerLength = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        } else if (version[0] == 2 || version[0] == 3) {
            byte[] len = in.readNBytes(4);
            headerLength = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new IOException(source + ": unsupported .npy version " + version[0]);
        }
        String header = new String(in.readNBytes(headerLength), StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher order = ORDER.matcher(header);
        Matcher shapeMatch = SHAPE.matcher(header);
        if (!descr.find() || !order.find() || !shapeMatch.find()) {
            throw new IOException(source + ": unreadable .npy header: " + header.trim());
        }
        if (descr.group(1).equals(">")) {
            throw new IOException(source + ": big-endian arrays are not supported");
        }
        if (order.group(1).equals("True")) {
            throw new IOException(source + ": Fortran-order arrays are not supported");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : shapeMatch.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Long.parseLong(part.trim()));
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        String dtype = descr.group(2);
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        long bytes = count * Integer.parseInt(dtype.substring(1));
        byte[] data = in.readNBytes(Math.toIntExact(bytes));
        if (data.length != bytes) {
            throw new IOException(source + ": truncated .npy data: expected " + bytes + " bytes, got " + data.length);
        }
        return new NpyArray(dtype, shape, ByteBuffer.wrap(data));
    }

    public static void write(Path path, NpyArray array) throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        try (OutputStream out = Files.newOutputStream(path)) {
            write(out, array);
        }
    }

    public static void write(OutputStream out, NpyArray array) throws IOException {
        String byteOrder = array.dtype().equals("u1") || array.dtype().equals("i1") || array.dtype().equals("b1") ? "|" : "<";
        StringBuilder shape = new StringBuilder();
        for (long d : array.shape()) {
            shape.append(d).append(", ");
        }
        if (array.shape().length > 1) {
            shape.setLength(shape.length() - 2);
        } else if (array.shape().length == 1) {
            shape.setLength(shape.length() - 1);
        }
        StringBuilder header = new StringBuilder("{'descr': '" + byteOrder + array.dtype()
                + "', 'fortran_order': False, 'shape': (" + shape + "), }");
        // Pad so that magic + version + length + header is a multiple of 64, ending in '\n'.
        int total = MAGIC.length + 2 + 2 + header.length() + 1;
        header.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        out.write(MAGIC);
        out.write(new byte[] {1, 0});
        out.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
        out.write(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer data = array.data().duplicate();
        byte[] raw = new byte[data.remaining()];
        data.get(raw);
        out.write(raw);
    }
}
