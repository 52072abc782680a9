package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recurrent state of a whole network for a batch of sessions, carried from one frame to the next.
 *
 * <p>Where fnn keeps {@code self._past} inside each module, twinloop passes the state explicitly so
 * that sessions can be batched, split and moved: every tensor is keyed by the path of the module that
 * owns it (e.g. {@code core.recurrent.h}) and has the session on dim 0 ({@code [N, ...]}). An empty
 * state is a fresh one (fnn's {@code reset()}): each module starts from its own initial value.
 *
 * <p>A module reads its past with {@link #get} and writes its new state with {@link #put}; the new
 * tensors replace the old ones, which the caller's {@link NDManager} scope releases.
 *
 * <p>This is the one state format of every {@link Twin} (fnn's network, a TorchScript twin): named tensors,
 * session first, concatenated and split by session ({@link #concat}, {@link #splitSessions}) and written to
 * bytes ({@link #toBytes}, {@link #fromBytes}, layout version {@link #FORMAT_VERSION}) for snapshots and forks.
 *
 * <p>Byte layout, every number little-endian: the magic {@code TLST}; int32 version; int32 tensor count; per
 * tensor: uint16 name length and the name in UTF-8, uint8 dtype length and DJL's dtype name ({@code float32},
 * ...), uint8 rank, int64 per dimension (dim 0 the sessions); then every tensor's data in the same order,
 * row-major, little-endian.
 */
public final class NetworkState {

    /** Version of the byte layout written by {@link #toBytes}. */
    public static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = {'T', 'L', 'S', 'T'};

    private final Map<String, NDArray> tensors = new LinkedHashMap<>();

    /** @return a fresh state (no past), as after fnn's {@code reset()} */
    public static NetworkState fresh() {
        return new NetworkState();
    }

    /** @return true if no module has written state yet */
    public boolean isFresh() {
        return tensors.isEmpty();
    }

    /** @return the state tensor of a module, {@code [N, ...]}, or null on the first frame */
    public NDArray get(String key) {
        return tensors.get(key);
    }

    /**
     * Reads a module's state for use in a frame whose tensors belong to {@code scope}.
     *
     * <p>DJL gives the result of an operation to the manager of its first operand. A module that computes
     * with its past would otherwise leave every intermediate in the (long-lived) manager that holds the
     * state; through this view (no copy) they stay in the frame's scope.
     *
     * @return a view of the state tensor owned by {@code scope}, or null on the first frame
     */
    public NDArray get(String key, NDManager scope) {
        NDArray t = tensors.get(key);
        if (t == null || t.getManager() == scope) {
            return t;
        }
        NDArray view = t.reshape(t.getShape());
        view.attach(scope);
        return view;
    }

    /** @return a new state holding the same tensors (not copied): put on it leaves this one as it was */
    public NetworkState copy() {
        NetworkState out = new NetworkState();
        out.tensors.putAll(tensors);
        return out;
    }

    /** Stores a module's new state tensor, {@code [N, ...]}. */
    public void put(String key, NDArray value) {
        tensors.put(key, value);
    }

    public Map<String, NDArray> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /** @return number of sessions in this state, or 0 when fresh */
    public long batchSize() {
        return tensors.isEmpty() ? 0 : tensors.values().iterator().next().getShape().get(0);
    }

    /** @return bytes held by the state tensors */
    public long bytes() {
        long total = 0;
        for (NDArray t : tensors.values()) {
            total += t.size() * t.getDataType().getNumOfBytes();
        }
        return total;
    }

    /** Moves every tensor into {@code manager}, so that it outlives the frame's scope. */
    public NetworkState attach(NDManager manager) {
        for (NDArray t : tensors.values()) {
            t.attach(manager);
        }
        return this;
    }

    /** Closes every tensor. */
    public void close() {
        for (NDArray t : tensors.values()) {
            t.close();
        }
        tensors.clear();
    }

    /**
     * Concatenates the states of several batches along dim 0 (all warm, same keys).
     *
     * @param parts states [N_i, ...] in batch order
     * @return state [sum N_i, ...]
     */
    public static NetworkState concat(List<NetworkState> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        NetworkState out = new NetworkState();
        for (String key : parts.get(0).tensors.keySet()) {
            NDList list = new NDList(parts.size());
            for (NetworkState part : parts) {
                NDArray t = part.tensors.get(key);
                if (t == null) {
                    throw new IllegalArgumentException("state key " + key + " missing from one batch part");
                }
                list.add(t);
            }
            out.put(key, NDArrays.concat(list, 0));
        }
        return out;
    }

    /**
     * Splits a batch state into one state per session.
     *
     * @return N states, each [1, ...]
     */
    public List<NetworkState> splitSessions() {
        long n = batchSize();
        List<NetworkState> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new NetworkState());
        }
        if (n == 1) {
            out.set(0, this);
            return out;
        }
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDList pieces = e.getValue().split(n, 0);
            for (int i = 0; i < n; i++) {
                out.get(i).put(e.getKey(), pieces.get(i));
            }
        }
        return out;
    }

    /**
     * Writes the state in the byte layout of version {@link #FORMAT_VERSION} (see the class comment).
     *
     * @return the bytes; a fresh (empty) state writes a header with no tensors
     */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(FORMAT_VERSION).putInt(tensors.size());
        bytes.writeBytes(header.array());
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] dtype = e.getValue().getDataType().toString().getBytes(StandardCharsets.US_ASCII);
            long[] dims = e.getValue().getShape().getShape();
            if (name.length > 0xFFFF || dims.length > 0xFF) {
                throw new IllegalArgumentException("state tensor " + e.getKey() + ": name or rank too large");
            }
            ByteBuffer entry = ByteBuffer.allocate(2 + name.length + 1 + dtype.length + 1 + 8 * dims.length)
                    .order(ByteOrder.LITTLE_ENDIAN);
            entry.putShort((short) name.length).put(name).put((byte) dtype.length).put(dtype).put((byte) dims.length);
            for (long d : dims) {
                entry.putLong(d);
            }
            bytes.writeBytes(entry.array());
        }
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            for (NDArray t : tensors.values()) {
                data.write(littleEndian(t.toByteBuffer(), t.getDataType().getNumOfBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a state written by {@link #toBytes}.
     *
     * @param manager owns the new tensors
     * @throws IllegalArgumentException if the bytes are not a state of a version this code reads
     */
    public static NetworkState fromBytes(byte[] bytes, NDManager manager) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not a twinloop state (no TLST magic)");
            }
            int version = in.getInt();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("state format version " + version + "; this build reads "
                        + FORMAT_VERSION);
            }
            int count = in.getInt();
            if (count < 0) {
                throw new IllegalArgumentException("state with " + count + " tensors");
            }
            List<String> names = new ArrayList<>();
            List<DataType> types = new ArrayList<>();
            List<Shape> shapes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(name);
                byte[] dtype = new byte[Byte.toUnsignedInt(in.get())];
                in.get(dtype);
                long[] dims = new long[Byte.toUnsignedInt(in.get())];
                for (int d = 0; d < dims.length; d++) {
                    dims[d] = in.getLong();
                    if (dims[d] < 0) {
                        throw new IllegalArgumentException("state tensor with a negative dimension");
                    }
                }
                names.add(new String(name, StandardCharsets.UTF_8));
                types.add(dataType(new String(dtype, StandardCharsets.US_ASCII)));
                shapes.add(new Shape(dims));
            }
            NetworkState out = new NetworkState();
            for (int i = 0; i < count; i++) {
                long size = Math.multiplyExact(shapes.get(i).size(), types.get(i).getNumOfBytes());
                if (size > in.remaining()) {
                    throw new IllegalArgumentException("state tensor " + names.get(i) + " is cut short");
                }
                byte[] raw = new byte[(int) size];
                in.get(raw);
                if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                    swapBytes(raw, types.get(i).getNumOfBytes());
                }
                ByteBuffer nativeData = ByteBuffer.allocateDirect(raw.length).order(ByteOrder.nativeOrder());
                nativeData.put(raw).flip();
                out.put(names.get(i), manager.create(nativeData, shapes.get(i), types.get(i)));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the last state tensor");
            }
            return out;
        } catch (BufferUnderflowException | ArithmeticException e) {
            throw new IllegalArgumentException("state bytes end inside the header or give an impossible size", e);
        }
    }

    private static DataType dataType(String name) {
        for (DataType t : DataType.values()) {
            if (t.toString().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("state tensor of unknown dtype '" + name + "'");
    }

    /** @return the buffer's elements ({@code width} bytes each) as little-endian bytes */
    private static byte[] littleEndian(ByteBuffer data, int width) {
        byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        if (data.order() != ByteOrder.LITTLE_ENDIAN) {
            swapBytes(out, width);
        }
        return out;
    }

    /** Reverses the bytes of every element of {@code width} bytes. */
    private static void swapBytes(byte[] data, int width) {
        for (int i = 0; i + width <= data.length; i += width) {
            for (int a = i, b = i + width - 1; a < b; a++, b--) {
                byte x = data[a];
                data[a] = data[b];
                data[b] = x;
            }
        }
    }
}
