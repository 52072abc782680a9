package io.twinloop.ops.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.model.elements.Bf16Kernels;
import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.elements.Precision;

import java.util.Arrays;

/**
 * The rates libtorch reaches on this machine on fixed shapes, the yardsticks of the model step: a large square
 * matmul and convolutions, in fp32 and bf16 (bf16 through {@link Bf16Kernels}, fp32 in and out, as the model runs).
 * The best of them is the practical peak the step's rate is compared with.
 */
public final class PeakShapes {

    /** the fixed convolution: 256 to 256 channels, 3 x 3, at 36 x 64, batch 4 (the published core's widest) */
    public static final Convolution2d.Call CONV_256 = new Convolution2d.Call(new Shape(4, 256, 36, 64),
            new Shape(256, 256, 3, 3), true, 1, 1, 1);

    private PeakShapes() {
    }

    /** @return median GFLOP/s of {@code repeats} products of two n x n float32 matrices computed in {@code p} */
    public static double matmul(NDManager manager, int n, int repeats, Precision p) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.randomNormal(new Shape(n, n));
            NDArray b = scope.randomNormal(new Shape(n, n));
            return median(repeats, 2.0 * n * n * n, () -> {
                NDArray c = p == Precision.BF16 ? Bf16Kernels.get().product(a, b) : a.matMul(b);
                c.toFloatArray(); // forces completion on lazy engines
                c.close();
            });
        }
    }

    /** @return median GFLOP/s of {@code repeats} runs of the convolution {@code call} (its batch as given) in p */
    public static double conv(NDManager manager, Convolution2d.Call call, int repeats, Precision p) {
        try (NDManager scope = manager.newSubManager(); NoGrad noGrad = new NoGrad()) {
            NDArray x = scope.randomNormal(call.input());
            NDArray w = scope.randomNormal(call.weight());
            NDArray b = call.bias() ? scope.randomNormal(new Shape(call.weight().get(0))) : null;
            double rate = median(repeats, flops(call), () -> Convolution2d.withPrecision(p, () -> {
                NDArray y = Convolution2d.apply(x, w, b, call.stride(), call.padding(), call.groups());
                y.toFloatArray();
                y.close();
                return null;
            }));
            if (p == Precision.BF16) {
                Bf16Kernels.get().forget(); // this random weight; the model's register again on their next use
            }
            return rate;
        }
    }

    /** @return multiply-adds x 2 of the convolution: 2 N O H' W' (C / groups) K K */
    public static double flops(Convolution2d.Call call) {
        long[] x = call.input().getShape();
        long[] w = call.weight().getShape();
        long outH = (x[2] + 2L * call.padding() - w[2]) / call.stride() + 1;
        long outW = (x[3] + 2L * call.padding() - w[3]) / call.stride() + 1;
        return 2.0 * x[0] * w[0] * outH * outW * w[1] * w[2] * w[3];
    }

    /**
     * @return [0] fp32 and [1] bf16 milliseconds of {@code repeats} runs of {@code call}, each fp32 run followed by
     *         a bf16 run, so that each pair sees the same load
     */
    public static double[][] pairedMs(NDManager manager, Convolution2d.Call call, int repeats) {
        double[][] ms = new double[2][repeats];
        try (NDManager scope = manager.newSubManager(); NoGrad noGrad = new NoGrad()) {
            NDArray x = scope.randomNormal(call.input());
            NDArray w = scope.randomNormal(call.weight());
            NDArray b = call.bias() ? scope.randomNormal(new Shape(call.weight().get(0))) : null;
            Precision[] both = {Precision.FP32, Precision.BF16};
            for (int i = -1; i < repeats; i++) {
                for (int k = 0; k < 2; k++) {
                    long start = System.nanoTime();
                    Convolution2d.withPrecision(both[k], () -> {
                        NDArray y = Convolution2d.apply(x, w, b, call.stride(), call.padding(), call.groups());
                        y.toFloatArray();
                        y.close();
                        return null;
                    });
                    if (i >= 0) {
                        ms[k][i] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            Bf16Kernels.get().forget(); // this random weight; the model's register again on their next use
        }
        return ms;
    }

    /** @return the median of v (v is not changed) */
    public static double median(double[] v) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double median(int repeats, double flops, Runnable work) {
        work.run(); // warm-up: thread pool, allocator, kernel selection, bf16 weight registration
        double[] rates = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            work.run();
            rates[i] = flops / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
        Arrays.sort(rates);
        return rates[repeats / 2];
    }
}
