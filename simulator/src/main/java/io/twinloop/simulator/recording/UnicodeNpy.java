package io.twinloop.simulator.recording;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One-dimensional fixed-width unicode string arrays in {@code .npy} ({@code '<U<n>'}: n UTF-32LE code points per
 * element, zero-padded), the dtype in which NumPy stores {@code np.array(["train", "oracle"])}, as Sensorium's
 * {@code tiers.npy} does. The contracts module's {@code Npy} covers numeric dtypes only.
 */
public final class UnicodeNpy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])U(\\d+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(\\s*(\\d+)\\s*,?\\s*\\)");

    private UnicodeNpy() {
    }

    public static void write(Path path, String[] values) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        int width = 1;
        for (String v : values) {
            width = Math.max(width, v.codePointCount(0, v.length()));
        }
        String header = "{'descr': '<U" + width + "', 'fortran_order': False, 'shape': (" + values.length + ",), }";
        int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
        header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer data = ByteBuffer.allocate(values.length * width * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (String v : values) {
            int[] codePoints = v.codePoints().toArray();
            for (int i = 0; i < width; i++) {
                data.putInt(i < codePoints.length ? codePoints[i] : 0);
            }
        }
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(MAGIC);
            out.write(new byte[] {1, 0});
            out.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
            out.write(header.getBytes(StandardCharsets.ISO_8859_1));
            out.write(data.array());
        }
    }

    public static String[] read(Path path) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : MAGIC) {
            if (file.get() != b) {
                throw new IOException(path + ": not a .npy file");
            }
        }
        int major = file.get();
        file.get();
        int headerLength = major == 1 ? file.getShort() & 0xffff : file.getInt();
        byte[] headerBytes = new byte[headerLength];
        file.get(headerBytes);
        String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !shape.find() || header.contains("'fortran_order': True")) {
            throw new IOException(path + ": not a one-dimensional unicode array: " + header.trim());
        }
        if (descr.group(1).equals(">")) {
            file.order(ByteOrder.BIG_ENDIAN);
        }
        int width = Integer.parseInt(descr.group(2));
        String[] out = new String[Integer.parseInt(shape.group(1))];
        for (int i = 0; i < out.length; i++) {
            StringBuilder s = new StringBuilder();
            for (int c = 0; c < width; c++) {
                int codePoint = file.getInt();
                if (codePoint != 0) {
                    s.appendCodePoint(codePoint);
                }
            }
            out[i] = s.toString();
        }
        return out;
    }
}
