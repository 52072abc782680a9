package io.twinloop.inference.model.elements;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * bfloat16 convolutions and matrix products for the Java port, through a small TorchScript module
 * ({@code bf16-kernels.pt}, written by {@code tools/bf16/bf16_kernels.py}, no weights): DJL cannot hold a bf16
 * tensor, so the module keeps the bf16 copy of each weight, registered once the first time it is used, and takes
 * and returns float32. oneDNN's bf16 kernels accumulate in fp32; each output is rounded to bf16 (2^-9 relative)
 * before it comes back as fp32, and the bias is added in fp32.
 *
 * <p>A weight is known by identity: the model's weights are derived once and kept ({@code DerivedTensors}), so each
 * is registered once; a weight computed afresh per call would be registered per call, which is why only
 * {@link Convolution2d} (whose weights are all kept) routes here. One module per process; calls from several
 * threads share it (registration takes a write lock).
 *
 * <pre>{@code
 * NDArray y = Bf16Kernels.get().conv(x, w, b, 1, 1, 1);   // x [N, C, H, W] fp32 -> [N, O, H', W'] fp32
 * }</pre>
 */
public final class Bf16Kernels {

    /** CPU flags with bf16 dot-product instructions that oneDNN's bf16 kernels use */
    static final Set<String> BF16_FLAGS = Set.of("avx512_bf16", "amx_bf16");
    private static final String RESOURCE = "/io/twinloop/inference/model/bf16/bf16-kernels.pt";

    private static volatile Bf16Kernels instance;

    private final PtNDManager manager;
    private final PtSymbolBlock module;
    private final Map<NDArray, String> names = new IdentityHashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    private Bf16Kernels(PtNDManager manager, PtSymbolBlock module) {
        this.manager = manager;
        this.module = module;
    }

    /**
     * @return the process's module, loaded on first use
     * @throws IllegalStateException in one line when this CPU has no bf16 instructions
     */
    public static Bf16Kernels get() {
        Bf16Kernels kernels = instance;
        if (kernels == null) {
            synchronized (Bf16Kernels.class) {
                if (instance == null) {
                    requireSupported();
                    instance = load();
                }
                kernels = instance;
            }
        }
        return kernels;
    }

    /** @return whether this CPU reports bf16 dot products (AVX512-BF16 or AMX-BF16) in /proc/cpuinfo */
    public static boolean supported() {
        return unsupportedReason() == null;
    }

    /** @throws IllegalStateException (one line) when {@link #supported()} is false */
    public static void requireSupported() {
        String reason = unsupportedReason();
        if (reason != null) {
            throw new IllegalStateException("--precision bf16 refused: " + reason + "; use --precision fp32");
        }
    }

    private static String unsupportedReason() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        String text;
        try {
            text = Files.isReadable(cpuinfo) ? Files.readString(cpuinfo) : "";
        } catch (IOException e) {
            text = "";
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("flags")) {
                for (String flag : line.substring(line.indexOf(':') + 1).trim().split(" ")) {
                    if (BF16_FLAGS.contains(flag)) {
                        return null;
                    }
                }
                return "this CPU has no bf16 dot-product instructions (no avx512_bf16 or amx_bf16 in /proc/cpuinfo)";
            }
        }
        return "cannot read the CPU's flags from /proc/cpuinfo";
    }

    private static Bf16Kernels load() {
        PtNDManager manager = (PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try (InputStream in = Bf16Kernels.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bf16 kernels: resource " + RESOURCE + " missing from the jar");
            }
            Path file = Files.createTempFile("twinloop-bf16-kernels", ".pt");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                PtSymbolBlock module = JniUtils.loadModule(manager, file, true, new String[0], new String[0], false);
                JniUtils.enableInferenceMode(module);
                return new Bf16Kernels(manager, module);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException("bf16 kernels: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Which convolutions run in bf16. oneDNN 3.7.1's bf16 kernels for dense (one group) convolutions with a spatial
     * kernel and few output channels are wrong on AMD Zen 5 (4 output channels: 0.4 to 0.8 of the output's
     * magnitude off, and slow; {@code Bf16KernelTest}, docs/numerics.md), so dense spatial convolutions whose output
     * channels are not a multiple of {@link Convolution2d#CHANNEL_BLOCK} stay in guarded fp32 (the tiny
     * configuration's input and dense layers). Spatial convolutions with fewer than 8 input channels per group (every
     * configuration's input layer, 1 per group) were wrong in bf16 channels-last too (0.5 off): fp32 as well. They are
     * a small share of the arithmetic.
     *
     * @param weight [O, C/groups, K, K]
     * @return whether {@link Convolution2d} computes this convolution here when the precision is bf16
     */
    public static boolean routes(ai.djl.ndarray.types.Shape weight, int groups) {
        boolean spatial = weight.get(2) > 1 || weight.get(3) > 1;
        if (spatial && weight.get(1) < Convolution2d.SMALLEST_BLOCK) {
            return false; // e.g. the input layer, 1 channel per group: wrong in bf16 channels-last (0.5 off)
        }
        return !(spatial && groups == 1) || weight.get(0) % Convolution2d.CHANNEL_BLOCK == 0;
    }

    /**
     * @param x      [N, C, H, W] float32
     * @param weight [O, C/groups, K, K] float32, a kept weight (registered in bf16 on first use)
     * @param bias   [O] or null
     * @return [N, O, H', W'] float32, owned by x's manager
     */
    public NDArray conv(NDArray x, NDArray weight, NDArray bias, int stride, int padding, int groups) {
        while (true) {
            lock.readLock().lock();
            try {
                String name = names.get(weight);
                if (name != null) {
                    try (IValue n = IValue.from(name); IValue in = IValue.from((PtNDArray) x);
                         IValue s = IValue.from(stride); IValue p = IValue.from(padding); IValue g = IValue.from(groups);
                         IValue y = IValueUtils.runMethod(module, "conv", n, in, s, p, g)) {
                        return y.toTensor((PtNDManager) x.getManager());
                    }
                }
            } finally {
                lock.readLock().unlock();
            }
            register(weight, bias);
        }
    }

    /**
     * Both operands cast to bf16 per call: a yardstick for benchmarks, not for kept weights.
     *
     * @param a [..., N, K] float32
     * @param b [..., K, M] float32
     * @return [..., N, M] float32, owned by a's manager
     */
    public NDArray product(NDArray a, NDArray b) {
        try (IValue x = IValue.from((PtNDArray) a); IValue w = IValue.from((PtNDArray) b);
             IValue y = IValueUtils.runMethod(module, "product", x, w)) {
            return y.toTensor((PtNDManager) a.getManager());
        }
    }

    /** @return how many weights are held in bf16 */
    public int registered() {
        lock.readLock().lock();
        try {
            return names.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Drops every bf16 weight (e.g. when the network that owned them is closed); they register again on use. */
    public void forget() {
        lock.writeLock().lock();
        try (IValue held = IValueUtils.runMethod(module, "forget")) {
            names.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void register(NDArray weight, NDArray bias) {
        lock.writeLock().lock();
        try {
            if (!names.containsKey(weight)) {
                String name = "w" + names.size();
                try (IValue n = IValue.from(name); IValue w = IValue.from((PtNDArray) weight);
                     IValue b = bias == null ? IValue.listFrom(new PtNDArray[0]) : IValue.listFrom((PtNDArray) bias);
                     IValue count = IValueUtils.runMethod(module, "register", n, w, b)) {
                    names.put(weight, name);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
