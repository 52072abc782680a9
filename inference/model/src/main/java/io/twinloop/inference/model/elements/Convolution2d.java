package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * libtorch's 2-d convolution: the one call every element of the model makes, so that every convolution the
 * network runs is computed, guarded and recorded in one place.
 *
 * <p>The guard: on some CPUs (seen on AMD Zen 5 with libtorch 2.7.1 / oneDNN 3.7.1) the float32 kernels of dense
 * (one group) convolutions with a spatial kernel return wrong values, NaN at times: forward when the input channels
 * are above the kernel's channel block (16 for the AVX-512 kernels, 8 for the AVX2 ones) and not a multiple of it;
 * backward (the input's gradient) when the output channels are not a multiple of 16 (docs/numerics.md has the
 * tables). Dense spatial convolutions therefore run with their input channels, above 8, and while gradients are
 * recorded also their output channels, zero-padded to a multiple of {@link #CHANNEL_BLOCK}: the extra inputs meet
 * zero weights and the extra outputs are dropped, so the result is the same convolution, computed by kernels that
 * are right. Grouped and 1 x 1 convolutions use other kernels, which were right, and run as they are. The guard is
 * the same on every CPU, so that every CPU runs the same shapes; {@code NumericsSelfCheck} verifies the result on
 * the machine at hand.
 *
 * <pre>{@code
 * NDArray y = Convolution2d.apply(x, w, b, 1, 1, 1);  // x [N, C, H, W], w [O, C/groups, K, K] -> y [N, O, H', W']
 * }</pre>
 */
public final class Convolution2d {

    /** channel counts that oneDNN's blocked kernels handle as they are */
    public static final int CHANNEL_BLOCK = 16;
    /** input channels up to this many are handled by every kernel as they are (AVX2 blocks by 8) */
    static final int SMALLEST_BLOCK = 8;

    /** One convolution as libtorch is asked to run it (before the guard pads it). */
    public record Call(Shape input, Shape weight, boolean bias, int stride, int padding, int groups) {

        /** @return e.g. {@code conv2d x[2,24,16,24] w[8,24,3,3] stride 1 pad 1 groups 1} */
        @Override
        public String toString() {
            return "conv2d x" + dims(input) + " w" + dims(weight) + " stride " + stride + " pad " + padding
                    + " groups " + groups;
        }

        /** @return the same convolution for a batch of n */
        public Call withBatch(int n) {
            long[] dims = input.getShape().clone();
            dims[0] = n;
            return new Call(new Shape(dims), weight, bias, stride, padding, groups);
        }

        /** @return the same call at batch 1: calls that differ only in their batch are one shape */
        public Call shapeOnly() {
            return withBatch(1);
        }

        private static String dims(Shape shape) {
            return java.util.Arrays.toString(shape.getShape()).replace(" ", "");
        }
    }

    private static volatile boolean guarded = true;
    private static final Predicate<Call> NO_FAULT = call -> false;
    private static volatile Predicate<Call> faulty = NO_FAULT;
    private static final ThreadLocal<Consumer<Call>> RECORDER = new ThreadLocal<>();
    /** the process's precision ({@link #precision(Precision)}); fp32 unless a command asks for bf16 */
    private static volatile Precision precision = Precision.FP32;
    /** a thread's own precision for a while ({@link #withPrecision}), e.g. to compare both in one process */
    private static final ThreadLocal<Precision> THREAD_PRECISION = new ThreadLocal<>();

    private Convolution2d() {
    }

    /**
     * @param x       [N, C, H, W]
     * @param weight  [O, C/groups, K, K]
     * @param bias    [O], or null
     * @param stride  the same in both directions
     * @param padding zeros on each side, the same in both directions
     * @param groups  channel groups
     * @return [N, O, H', W'] with H' = (H + 2 padding - K) / stride + 1
     */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias, int stride, int padding, int groups) {
        Consumer<Call> recorder = RECORDER.get();
        Call call = recorder == null && faulty == NO_FAULT ? null
                : new Call(x.getShape(), weight.getShape(), bias != null, stride, padding, groups);
        if (recorder != null) {
            recorder.accept(call);
        }
        NDArray y = currentPrecision() == Precision.BF16 && !JniUtils.isGradMode()
                && Bf16Kernels.routes(weight.getShape(), groups)
                ? Bf16Kernels.get().conv(x, weight, bias, stride, padding, groups)
                : withGuard(x, weight, bias, stride, padding, groups);
        return call != null && faulty.test(call) ? y.add(1) : y;
    }

    private static NDArray withGuard(NDArray x, NDArray weight, NDArray bias, int stride, int padding, int groups) {
        Shape w = weight.getShape();
        boolean dense = groups == 1 && (w.get(2) > 1 || w.get(3) > 1);
        if (!guarded || !dense) {
            return raw(x, weight, bias, stride, padding, groups);
        }
        long in = w.get(1);
        long out = w.get(0);
        long paddedIn = in > SMALLEST_BLOCK ? roundUp(in) : in;
        long paddedOut = JniUtils.isGradMode() ? roundUp(out) : out;
        if (paddedIn == in && paddedOut == out) {
            return raw(x, weight, bias, stride, padding, groups);
        }
        NDArray paddedX = padDim(x, 1, paddedIn);
        NDArray paddedW = padDim(padDim(weight, 1, paddedIn), 0, paddedOut);
        NDArray paddedB = bias == null ? null : padDim(bias, 0, paddedOut);
        NDArray y = raw(paddedX, paddedW, paddedB, stride, padding, groups);
        return paddedOut == out ? y : y.get(":, 0:" + out);
    }

    /**
     * Runs {@code work} on this thread while every convolution it makes is passed to {@code recorder}, e.g. to
     * list the shapes a network runs.
     */
    public static void record(Consumer<Call> recorder, Runnable work) {
        Consumer<Call> previous = RECORDER.get();
        RECORDER.set(recorder);
        try {
            work.run();
        } finally {
            RECORDER.set(previous);
        }
    }

    /**
     * Sets the precision of every thread's convolutions (those not inside {@link #withPrecision}). bf16 runs only
     * where no gradient is recorded (training stays fp32) and bypasses the guard: oneDNN's bf16 kernels are other
     * kernels than the faulty fp32 ones, checked by the self-check in bf16 (docs/numerics.md).
     *
     * @throws IllegalStateException in one line when bf16 is asked for on a CPU without bf16 instructions
     */
    public static void precision(Precision p) {
        if (p == Precision.BF16) {
            Bf16Kernels.get();
        }
        precision = p;
    }

    /** @return the precision convolutions on this thread run in now */
    public static Precision currentPrecision() {
        Precision own = THREAD_PRECISION.get();
        return own != null ? own : precision;
    }

    /** Runs {@code work} on this thread with its convolutions in {@code p}, whatever the process's precision. */
    public static <T> T withPrecision(Precision p, java.util.function.Supplier<T> work) {
        if (p == Precision.BF16) {
            Bf16Kernels.get();
        }
        Precision previous = THREAD_PRECISION.get();
        THREAD_PRECISION.set(p);
        try {
            return work.get();
        } finally {
            THREAD_PRECISION.set(previous);
        }
    }

    /**
     * Switches the guard off (false) or on, for every thread: only for tests that show what the guard prevents
     * and that the self-check notices a wrong kernel.
     */
    public static void guard(boolean on) {
        guarded = on;
    }

    /**
     * Makes every convolution that {@code affected} accepts come out wrong (its output plus 1), for every thread:
     * only for tests that show that the self-check notices a wrong kernel. {@code null} ends it.
     */
    public static void injectFault(Predicate<Call> affected) {
        faulty = affected == null ? NO_FAULT : affected;
    }

    /** @return libtorch's convolution exactly as asked, without the guard */
    public static NDArray raw(NDArray x, NDArray weight, NDArray bias, int stride, int padding, int groups) {
        return x.getNDArrayInternal()
                .convolution(x, weight, bias, new Shape(stride, stride), new Shape(padding, padding),
                        new Shape(1, 1), groups)
                .singletonOrThrow();
    }

    private static long roundUp(long channels) {
        return (channels + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK * CHANNEL_BLOCK;
    }

    /** @return t with zeros appended along {@code axis} up to {@code size} */
    private static NDArray padDim(NDArray t, int axis, long size) {
        long have = t.getShape().get(axis);
        if (have == size) {
            return t;
        }
        long[] zeros = t.getShape().getShape().clone();
        zeros[axis] = size - have;
        return NDArrays.concat(new NDList(t, t.getManager().zeros(new Shape(zeros), t.getDataType())), axis);
    }
}
