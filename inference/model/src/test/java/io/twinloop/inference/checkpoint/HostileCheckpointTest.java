package io.twinloop.inference.checkpoint;

import io.twinloop.inference.model.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints made to hurt the reader, each built here byte by byte: every one is refused with one
 * {@link CheckpointException} line that names the file, before any large allocation or deep recursion.
 */
class HostileCheckpointTest {

    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    /** Protocol-2 pickle opcodes, written by hand. */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            op(0x80).op(2);
        }

        Pickle op(int opcode) {
            out.write(opcode);
            return this;
        }

        Pickle int4(long value) {
            for (int i = 0; i < 4; i++) {
                out.write((int) (value >>> (8 * i)) & 0xff);
            }
            return this;
        }

        Pickle string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            op('X').int4(utf8.length);
            out.writeBytes(utf8);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle intValue(long v) {
            return op('J').int4(v);
        }

        /** A tuple of ints: MARK, BININT each, TUPLE. */
        Pickle ints(long... values) {
            op('(');
            for (long v : values) {
                intValue(v);
            }
            return op('t');
        }

        /** torch._utils._rebuild_tensor_v2 of a FloatStorage record {@code key} of {@code numel} elements. */
        Pickle tensor(String key, long numel, long offset, long[] size, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").op('(');
            op('(').string("storage").global("torch", "FloatStorage").string(key).string("cpu").intValue(numel)
                    .op('t').op('Q');
            intValue(offset).ints(size).ints(stride).op(0x89);
            global("collections", "OrderedDict").op(')').op('R');
            return op('t').op('R');
        }

        byte[] stop() {
            op('.');
            return out.toByteArray();
        }
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** A torch.save-like archive "h/" with data.pkl, byteorder and the given storages. */
    private Path archive(String name, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("h/data.pkl", pickle);
        records.put("h/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        storages.forEach((key, bytes) -> records.put("h/data/" + key, bytes));
        return ZipRewriter.zipOf(dir.resolve(name), records);
    }

    private static CheckpointException refused(Path file, long budget, String... fragments) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(file, budget));
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "says '" + fragment + "': " + e.getMessage());
        }
        return e;
    }

    @Test
    void aHandMadeCheckpointReadsSoTheHostileOnesBelowFailForTheirOwnReason() throws IOException {
        byte[] pickle = new Pickle().op('}').string("w").tensor("0", 4, 0, new long[] {2, 2}, new long[] {2, 1})
                .op('s').stop();
        Path file = archive("good.pt", pickle, Map.of("0", floats(1, 2, 3, 4)));
        TensorData w = TorchCheckpoint.read(file, MIB).get("w");
        assertEquals(4, w.numel());
        assertEquals(3f, w.floats()[2]);
    }

    @Test
    void aPickleOpcodeDeclaringMoreBytesThanRemainIsRefusedBeforeAllocating() throws IOException {
        // BINBYTES of 2^31 - 1 bytes, BINUNICODE8 of 2^40 bytes: razorvine would allocate the array first
        byte[] binbytes = new Pickle().op('B').int4(0x7fffffffL).stop();
        refused(archive("binbytes.pt", binbytes, Map.of()), MIB, "declares 2147483647 bytes, only 1 remain");
        Pickle unicode8 = new Pickle().op(0x8d);
        for (long v = 1L << 40, i = 0; i < 8; i++, v >>>= 8) {
            unicode8.op((int) (v & 0xff));
        }
        refused(archive("unicode8.pt", unicode8.stop(), Map.of()), MIB, "declares 1099511627776 bytes");
    }

    @Test
    void aDictionaryThatHoldsItselfOrIsNestedThousandsDeepIsRefused() throws IOException {
        // d = {}; d["a"] = d
        byte[] selfHolding = new Pickle().op('}').op('q').op(0).string("a").op('h').op(0).op('s').stop();
        refused(archive("self.pt", selfHolding, Map.of()), MIB, "the dictionary at 'a.' contains itself");

        // d = {}; d["a"] = d; d[d] = 1: hashing d would recurse without end
        byte[] selfKey = new Pickle().op('}').op('q').op(0).string("a").op('h').op(0).op('s')
                .op('h').op(0).op('K').op(1).op('s').stop();
        refused(archive("self-key.pt", selfKey, Map.of()), MIB, "used as a dict key");

        Pickle deep = new Pickle();
        int depth = 20_000;
        for (int i = 0; i < depth; i++) {
            deep.op('}').string("a");
        }
        deep.op('}');
        for (int i = 0; i < depth; i++) {
            deep.op('s');
        }
        refused(archive("deep.pt", deep.stop(), Map.of()), 16 * MIB, "nested deeper than 64");
    }

    @Test
    void aZeroStrideViewOfOneElementIsBoundedByTheMemoryBudget() throws IOException {
        // 100 million elements (400 MB) viewed from a storage of one float
        byte[] pickle = new Pickle().op('}').string("w").tensor("0", 1, 0, new long[] {100_000_000},
                new long[] {0}).op('s').stop();
        Path file = archive("expanded.pt", pickle, Map.of("0", floats(7)));
        refused(file, 64 * MIB, "key 'w'", "needs 400000000 bytes, beyond this load's memory budget of 67108864");
    }

    @Test
    void aStorageOverTheBudgetOrLargerThanItDeclaresIsRefused() throws IOException {
        // a zip bomb: 32 MiB of zeros compress to a few kilobytes
        byte[] zeros = new byte[(int) (32 * MIB)];
        byte[] pickle = new Pickle().op('}').string("w").tensor("0", 1, 0, new long[] {1}, new long[] {1})
                .op('s').stop();
        Path bomb = archive("bomb.pt", pickle, Map.of("0", zeros));
        assertTrue(Files.size(bomb) < MIB, "the file is small: " + Files.size(bomb));
        refused(bomb, 8 * MIB, "storage record 'h/data/0'", "needs 33554432 bytes");
    }

    @Test
    void aCentralDirectoryThatLiesAboutARecordsSizeIsRefused() throws IOException {
        byte[] pickle = new Pickle().op('}').string("w").tensor("0", 1, 0, new long[] {1}, new long[] {1})
                .op('s').stop();
        byte[] storage = floats(5);
        Path file = dir.resolve("lying.pt");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            TwinloopCheckpoint.writeStored(out, "h/data.pkl", pickle);
            TwinloopCheckpoint.writeStored(out, "h/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            TwinloopCheckpoint.writeStored(out, "h/data/0", storage);
        }
        // the central directory entry of h/data/0 now says 2 GiB - 1, compressed and not
        byte[] bytes = Files.readAllBytes(file);
        int at = centralEntry(bytes, "h/data/0");
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(at + 20, 0x7fffffff).putInt(at + 24, 0x7fffffff);
        Files.write(file, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(file, MIB));
        assertTrue(e.getMessage().startsWith(file.toString()) && !e.getMessage().contains("\n"), e.getMessage());
    }

    /** @return the offset of {@code name}'s central directory header (signature PK\1\2) */
    private static int centralEntry(byte[] zip, String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 <= zip.length; i++) {
            if (b.getInt(i) == 0x02014b50 && (b.getShort(i + 28) & 0xffff) == wanted.length
                    && java.util.Arrays.equals(zip, i + 46, i + 46 + wanted.length, wanted, 0, wanted.length)) {
                return i;
            }
        }
        throw new AssertionError("no central directory entry for " + name);
    }
}
