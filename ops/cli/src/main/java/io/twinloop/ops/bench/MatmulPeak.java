package io.twinloop.ops.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * The machine's practical matrix-multiply peak as libtorch reaches it here: the rate of a large
 * float32 square matmul, the yardstick for how well the model step uses the processor.
 */
public final class MatmulPeak {

    private MatmulPeak() {
    }

    /** @return median GFLOP/s of {@code repeats} multiplications of two n x n float32 matrices */
    public static double gflops(NDManager manager, int n, int repeats) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.randomNormal(new Shape(n, n));
            NDArray b = scope.randomNormal(new Shape(n, n));
            a.matMul(b).close(); // warm-up: thread pool, allocator
            double[] rates = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                NDArray c = a.matMul(b);
                c.toFloatArray(); // forces completion on lazy engines
                double seconds = (System.nanoTime() - start) / 1e9;
                c.close();
                rates[i] = 2.0 * n * n * n / seconds / 1e9;
            }
            Arrays.sort(rates);
            return rates[repeats / 2];
        }
    }
}
