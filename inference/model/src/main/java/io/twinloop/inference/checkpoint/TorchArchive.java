package io.twinloop.inference.checkpoint;

import io.twinloop.inference.model.CheckpointException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The zip container {@code torch.save} writes (torch >= 1.6): {@code <name>/data.pkl},
 * {@code <name>/data/<key>} raw storages, {@code <name>/byteorder}, {@code <name>/version}. The
 * top-level folder name is whatever the file was called when saved, so it is discovered.
 */
final class TorchArchive implements AutoCloseable {

    /** Storages are read into one Java array each. */
    private static final long MAX_RECORD_BYTES = Integer.MAX_VALUE - 8;

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final ByteOrder byteOrder;
    private final Map<String, ByteBuffer> storages = new HashMap<>();
    private final LoadBudget budget;

    private TorchArchive(Path file, ZipFile zip, String prefix, ByteOrder byteOrder, LoadBudget budget) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
        this.byteOrder = byteOrder;
        this.budget = budget;
    }

    static TorchArchive open(Path file) {
        return open(file, LoadBudget.DEFAULT_BYTES);
    }

    /** @param maxBytes the memory budget of this load ({@link LoadBudget}) */
    static TorchArchive open(Path file, long maxBytes) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": no such checkpoint file");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException(file + ": not a torch.save zip archive (" + notZipReason(file) + ": "
                    + e.getMessage() + ")", e);
        }
        try {
            checkDeclaredSizes(file, zip);
            String prefix = findPrefix(file, zip);
            ByteOrder order = readByteOrder(file, zip, prefix);
            return new TorchArchive(file, zip, prefix, order, new LoadBudget(file, maxBytes));
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** @return the whole pickle, in memory (its opcodes' declared lengths are checked against what remains) */
    ByteArrayInputStream pickle() {
        return new ByteArrayInputStream(readRecord(prefix + "data.pkl", "data.pkl"));
    }

    /** @return the memory budget of this load */
    LoadBudget budget() {
        return budget;
    }

    /**
     * Reads a record whole, after taking its declared size from the budget; a record whose content is not its
     * declared size (a lying central directory, a zip bomb) is refused.
     */
    private byte[] readRecord(String name, String what) {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new CheckpointException(file + ": record '" + name + "' is missing");
        }
        long declared = entry.getSize();
        if (declared < 0 || declared > MAX_RECORD_BYTES) {
            throw new CheckpointException(file + ": record '" + name + "' declares " + declared
                    + " bytes; this reader takes records of 0 to 2 GiB");
        }
        budget.take(declared, what);
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readNBytes(Math.toIntExact(declared));
            if (in.read() >= 0) {
                throw new CheckpointException(file + ": record '" + name + "' holds more than the " + declared
                        + " bytes it declares");
            }
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read record '" + name + "': " + e.getMessage(), e);
        }
        if (bytes.length != declared) {
            throw new CheckpointException(file + ": record '" + name + "' declares " + declared + " bytes but holds "
                    + bytes.length);
        }
        return bytes;
    }

    /**
     * @return the storage's bytes, little-endian, position 0; read once per archive and shared by
     * every tensor that views it
     */
    ByteBuffer storage(TorchStorage storage, DType dtype, String tensorKey) {
        ByteBuffer cached = storages.get(storage.archiveKey());
        if (cached != null) {
            return cached.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
        String name = prefix + "data/" + storage.archiveKey();
        if (zip.getEntry(name) == null) {
            throw new CheckpointException(file + ": key '" + tensorKey + "': storage record '" + name + "' is missing");
        }
        if (zip.getEntry(name).getSize() > MAX_RECORD_BYTES) {
            throw new CheckpointException(file + ": key '" + tensorKey + "': storage record '" + name
                    + "' is larger than 2 GiB, which this reader does not support");
        }
        byte[] bytes = readRecord(name, "key '" + tensorKey + "': storage record '" + name + "'");
        long expected = storage.numel() < 0 || storage.numel() > MAX_RECORD_BYTES ? Long.MAX_VALUE
                : storage.numel() * dtype.bytes();
        if (bytes.length < expected) {
            throw new CheckpointException(file + ": key '" + tensorKey + "': storage record '" + name + "' holds "
                    + bytes.length + " bytes, its " + storage.typeName() + " of " + storage.numel()
                    + " elements needs " + expected);
        }
        ByteBuffer raw = ByteBuffer.wrap(bytes).order(byteOrder);
        ByteBuffer little = LittleEndian.of(raw, dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        storages.put(storage.archiveKey(), little);
        return little.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    /**
     * Every record's sizes as the central directory declares them must fit the file: a compressed size beyond the
     * file's length, or a stored (uncompressed) record whose two sizes differ, is a forged archive.
     */
    private static void checkDeclaredSizes(Path file, ZipFile zip) {
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read its size: " + e.getMessage(), e);
        }
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            long compressed = entry.getCompressedSize();
            if (compressed > length) {
                throw new CheckpointException(file + ": record '" + entry.getName() + "' declares " + compressed
                        + " compressed bytes in a file of " + length);
            }
            if (entry.getMethod() == ZipEntry.STORED && entry.getSize() != compressed) {
                throw new CheckpointException(file + ": stored record '" + entry.getName() + "' declares "
                        + entry.getSize() + " bytes and " + compressed + " compressed bytes");
            }
        }
    }

    /** @return the folder holding data.pkl, with its trailing slash ("" if at the root) */
    private static String findPrefix(Path file, ZipFile zip) {
        String found = null;
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            boolean atTopOrOneFolderDown = name.indexOf('/') == name.lastIndexOf('/');
            if (name.equals("data.pkl") || (name.endsWith("/data.pkl") && atTopOrOneFolderDown)) {
                if (found != null) {
                    throw new CheckpointException(file + ": more than one data.pkl in the archive");
                }
                found = name.substring(0, name.length() - "data.pkl".length());
            }
        }
        if (found == null) {
            throw new CheckpointException(file + ": zip archive without a data.pkl record, not written by torch.save");
        }
        return found;
    }

    private static ByteOrder readByteOrder(Path file, ZipFile zip, String prefix) {
        ZipEntry entry = zip.getEntry(prefix + "byteorder");
        if (entry == null) {
            return ByteOrder.LITTLE_ENDIAN; // written only since torch 1.10; earlier files are little-endian
        }
        String order;
        try (InputStream in = zip.getInputStream(entry)) {
            order = new String(in.readNBytes(16), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read record 'byteorder': " + e.getMessage(), e);
        }
        return switch (order) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new CheckpointException(file + ": unknown byteorder '" + order + "'");
        };
    }

    /** @return why a file that ZipFile refuses is not a checkpoint, as far as its first bytes tell */
    private static String notZipReason(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            return "unreadable";
        }
        if (head.length == 0) {
            return "empty file";
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return "truncated or damaged zip";
        }
        if ((head[0] & 0xff) == 0x80) {
            return "a bare pickle: the legacy format of torch < 1.6 is not supported, re-save with a newer torch";
        }
        return "no zip structure";
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // nothing was written; a failed close cannot lose data
        }
    }
}
