package io.twinloop.inference.checkpoint;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import net.razorvine.pickle.objects.ClassDict;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unpickles the {@code data.pkl} of a {@code torch.save} archive into plain Java values: maps for
 * dicts (insertion-ordered, unlike razorvine's default), {@link TorchTensorView} for tensors and
 * parameters. No Python code runs: unknown globals become inert razorvine {@code ClassDict}s.
 *
 * <p>razorvine keeps constructors in a JVM-wide table; the ones registered here are only for
 * torch's own global names, which no other pickle in this service uses.
 *
 * <p>A hostile pickle is refused with a {@link PickleException}: an opcode whose declared length passes what
 * remains of the pickle (razorvine would allocate it first: 2 GiB from a few bytes), and a dict or list used
 * as a dict key (hashing a dict that holds itself recurses without end). The input must be a
 * {@link ByteArrayInputStream}, so that what remains is known.
 */
final class TorchPickle extends Unpickler {

    private static final String[] STORAGE_CLASSES = {
        "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage",
        "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage", "UntypedStorage",
        "ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage", "QUInt8Storage", "QInt32Storage",
    };

    static {
        for (String name : STORAGE_CLASSES) {
            Unpickler.registerConstructor("torch", name, new StorageClass(name));
        }
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", TorchPickle::rebuildTensor);
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor", TorchPickle::rebuildTensor);
        // A Parameter pickles as its data plus requires_grad and hooks, which inference does not need.
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", args -> args[0]);
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter_with_state", args -> args[0]);
        // Tensor subclasses: (rebuild function, subclass, its arguments, state).
        Unpickler.registerConstructor("torch._tensor", "_rebuild_from_type_v2",
                args -> ((IObjectConstructor) args[0]).construct((Object[]) args[2]));
        Unpickler.registerConstructor("collections", "OrderedDict", args -> new PyOrderedDict());
        // TorchScript archives (torch.jit.save) wrap typed lists and typed values; the value is all we need.
        for (String name : new String[] {"build_intlist", "build_doublelist", "build_boollist", "build_tensorlist",
            "build_genericlist", "restore_type_tag"}) {
            Unpickler.registerConstructor("torch.jit._pickle", name, args -> args[0]);
        }
    }

    /** The global {@code torch.XStorage}: a marker that names the storage type in a persistent id. */
    record StorageClass(String name) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("torch." + name + " cannot be called in a checkpoint");
        }
    }

    /** An OrderedDict; BUILD hands it the instance attributes (state_dict's {@code _metadata}), dropped. */
    public static final class PyOrderedDict extends LinkedHashMap<Object, Object> {
        public void __setstate__(HashMap<?, ?> attributes) {
        }

        public void __setstate__(LinkedHashMap<?, ?> attributes) {
        }
    }

    private static final short EMPTY_DICT = '}';
    private static final short DICT = 'd';
    private static final short SETITEM = 's';
    private static final short SETITEMS = 'u';
    private static final short BUILD = 'b';
    /** Opcodes followed by a 4-byte length: BINSTRING, BINBYTES, BINUNICODE, LONG4. */
    private static final String LENGTH4 = "TBX\u008b";
    /** Opcodes followed by an 8-byte length: BINUNICODE8, BINBYTES8, BYTEARRAY8. */
    private static final String LENGTH8 = "\u008d\u008e\u0096";

    private TorchPickle() {
    }

    /** @return the unpickled object; tensors are {@link TorchTensorView}s */
    static Object unpickle(ByteArrayInputStream in) throws IOException {
        return new TorchPickle().load(in);
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (pid instanceof Object[] t && t.length == 5 && "storage".equals(t[0])
                && t[1] instanceof StorageClass type && t[2] instanceof String key && t[4] instanceof Number numel) {
            return new TorchStorage(type.name(), key, String.valueOf(t[3]), numel.longValue());
        }
        throw new PickleException("unsupported persistent id " + describe(pid)
                + " (expected ('storage', torch.<Type>Storage, key, location, numel))");
    }

    /** Dict opcodes, re-implemented so that key order survives (razorvine uses HashMap). */
    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        if (LENGTH4.indexOf(key) >= 0 || LENGTH8.indexOf(key) >= 0) {
            checkDeclaredLength(key, LENGTH4.indexOf(key) >= 0 ? 4 : 8);
        }
        switch (key) {
            case EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case DICT -> {
                Map<Object, Object> dict = new LinkedHashMap<>();
                putPairs(dict, stack.pop_all_since_marker());
                stack.add(dict);
            }
            case SETITEM -> {
                Object value = stack.pop();
                Object k = stack.pop();
                targetDict().put(checkKey(k), value);
            }
            case SETITEMS -> {
                List<Object> pairs = stack.pop_all_since_marker();
                putPairs(targetDict(), pairs);
            }
            case BUILD -> {
                // a TorchScript module (an unknown __torch__ class): its attributes as the ClassDict's entries
                Object state = stack.pop();
                if (stack.peek() instanceof ClassDict object && state instanceof Map<?, ?> attributes) {
                    attributes.forEach((k, v) -> object.put(String.valueOf(k), v));
                } else {
                    stack.add(state);
                    return super.dispatch(key);
                }
            }
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> targetDict() {
        if (stack.peek() instanceof Map<?, ?> map) {
            return (Map<Object, Object>) map;
        }
        throw new PickleException("SETITEM on a " + describe(stack.peek()) + ", not a dict");
    }

    private static void putPairs(Map<Object, Object> dict, List<Object> pairs) {
        if (pairs.size() % 2 != 0) {
            throw new PickleException("odd number of items for a dict");
        }
        for (int i = 0; i < pairs.size(); i += 2) {
            dict.put(checkKey(pairs.get(i)), pairs.get(i + 1));
        }
    }

    /** A dict key must hash without walking a container: a dict holding itself would recurse for ever. */
    private static Object checkKey(Object key) {
        if (key instanceof Map<?, ?> || key instanceof java.util.Collection<?>) {
            throw new PickleException("a " + describe(key) + " used as a dict key");
        }
        return key;
    }

    /** Refuses an opcode whose little-endian length ({@code bytes} wide) passes what remains of the pickle. */
    private void checkDeclaredLength(short opcode, int bytes) throws IOException {
        input.mark(bytes);
        byte[] raw = input.readNBytes(bytes);
        input.reset();
        if (raw.length < bytes) {
            return;     // truncated: razorvine says so
        }
        long length = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            length = (length << 8) | (raw[i] & 0xff);
        }
        long remaining = input.available() - bytes;
        if (bytes == 4 && opcode != 'X' && opcode != 'B' && length > Integer.MAX_VALUE) {
            length -= 1L << 32;  // BINSTRING and LONG4 lengths are signed
        }
        if (length < 0 || Long.compareUnsigned(length, remaining) > 0) {
            throw new PickleException("opcode 0x" + Integer.toHexString(opcode) + " declares "
                    + Long.toUnsignedString(length) + " bytes, only " + remaining + " remain");
        }
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, metadata])}. */
    private static Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof TorchStorage storage) || !(args[1] instanceof Number offset)
                || !(args[2] instanceof Object[] size) || !(args[3] instanceof Object[] stride)) {
            throw new PickleException("unexpected arguments to torch._utils._rebuild_tensor_v2: " + describe(args));
        }
        return new TorchTensorView(storage, offset.longValue(), longs(size), longs(stride));
    }

    private static long[] longs(Object[] tuple) {
        long[] out = new long[tuple.length];
        for (int i = 0; i < tuple.length; i++) {
            if (!(tuple[i] instanceof Number n)) {
                throw new PickleException("tensor size/stride holds a " + describe(tuple[i]) + ", not an int");
            }
            out[i] = n.longValue();
        }
        return out;
    }

    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Object[] a) {
            StringBuilder s = new StringBuilder("(");
            for (Object x : a) {
                s.append(x instanceof Object[] ? "tuple" : describe(x)).append(", ");
            }
            return s.append(")").toString();
        }
        if (o instanceof String || o instanceof Number || o instanceof Boolean) {
            return o.getClass().getSimpleName() + " " + o;
        }
        return o.getClass().getSimpleName();
    }
}
