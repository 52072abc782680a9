package io.twinloop.inference.model.numerics;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.model.elements.Bf16Kernels;
import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.elements.Precision;

import java.util.ArrayList;
import java.util.List;

/**
 * One convolution as the model runs it ({@link Convolution2d#apply}, float32) against the same convolution in
 * float64 ({@link Convolution2d#raw}: libtorch's float64 path does not use oneDNN's kernels), on random inputs of
 * the exact shape.
 *
 * <p>Forward: the float32 output is computed at the exact shape (the kernel oneDNN picks depends on it), the
 * float64 reference only on its first and last output rows (which read the padded borders and the interior),
 * each from the input rows it reads, so that the reference costs a fraction of the convolution. Backward: the gradients of the input and of the weight of {@code sum(y * r)}, r random, both in
 * full.
 *
 * <p>Errors are relative to the reference's largest magnitude. A right kernel is within a few 1e-6 (float32
 * rounding over sums of up to ~10^4 terms); the wrong ones seen were off by 0.04 to 0.8, or NaN.
 */
public final class ConvolutionCheck {

    /** the largest relative error accepted: far above float32 rounding, far below the faults seen */
    public static final double TOLERANCE = 1e-3;

    /**
     * the largest relative error accepted in bf16: inputs and weights rounded to 8 significant bits (2^-9 relative
     * each), the output too, against the largest output: a right kernel measured 2e-3 to 4e-3 here (docs/numerics.md);
     * 1e-2 leaves room for other blockings and stays below the smallest fp32 fault seen (0.04)
     */
    public static final double BF16_TOLERANCE = 1e-2;

    /** What was compared and how far apart it was. */
    public record Result(Convolution2d.Call call, int batch, String direction, double error, Precision precision) {

        public Result(Convolution2d.Call call, int batch, String direction, double error) {
            this(call, batch, direction, error, Precision.FP32);
        }

        public boolean passed() {
            return error <= tolerance(precision); // NaN fails
        }

        /** @return e.g. {@code conv2d x[2,24,16,24] w[8,24,3,3] stride 1 pad 1 groups 1 forward: ...} */
        public String describe() {
            return call.withBatch(batch) + " " + direction + ": max relative error " + String.format("%.2g", error)
                    + " (" + (precision == Precision.BF16 ? "bf16" : "float32") + " against float64)";
        }
    }

    /** @return the largest relative error accepted for a kernel computing in {@code p} */
    public static double tolerance(Precision p) {
        return p == Precision.BF16 ? BF16_TOLERANCE : TOLERANCE;
    }

    private ConvolutionCheck() {
    }

    /**
     * @param call     the convolution (its batch is replaced by {@code batch})
     * @param backward also the gradients of input and weight (training)
     * @return the forward result, then the input's and the weight's gradient when asked
     */
    public static List<Result> check(Convolution2d.Call call, int batch, boolean backward, NDManager parent) {
        List<Result> results = new ArrayList<>(3);
        try (NDManager m = parent.newSubManager()) {
            Shape in = call.withBatch(batch).input();
            NDArray x = m.randomNormal(in);
            NDArray w = m.randomNormal(call.weight());
            NDArray b = call.bias() ? m.randomNormal(new Shape(call.weight().get(0))) : null;
            // the forward pass runs in the precision the model runs in (bf16 when so set; gradients are always fp32)
            Precision precision = Convolution2d.currentPrecision() == Precision.BF16
                    && Bf16Kernels.routes(call.weight(), call.groups()) ? Precision.BF16 : Precision.FP32;
            NDArray y;
            try (NoGrad noGrad = new NoGrad()) { // as served; bf16 runs only without gradients
                y = Convolution2d.apply(x, w, b, call.stride(), call.padding(), call.groups());
            }
            results.add(new Result(call, batch, "forward", forwardError(y, x, w, b, call), precision));
            if (precision == Precision.BF16) {
                Bf16Kernels.get().forget(); // the random weight registered; the model's register again on use
            }
            if (backward) {
                results.addAll(backwardErrors(x, w, b, call, batch, m));
            }
        }
        return results;
    }

    private static double forwardError(NDArray y, NDArray x, NDArray w, NDArray b, Convolution2d.Call call) {
        int k = (int) call.weight().get(2);
        int s = call.stride();
        int p = call.padding();
        long outRows = y.getShape().get(2);
        NDArray w64 = w.toType(DataType.FLOAT64, true);
        NDArray b64 = b == null ? null : b.toType(DataType.FLOAT64, true);
        // the first and last rows read the padded borders; a 1 x 1 convolution without padding has none
        boolean borders = k > 1 || p > 0;
        double worst = 0;
        double scale = 0;
        for (long row : borders && outRows > 1 ? new long[] {0, outRows - 1} : new long[] {0}) {
            NDArray rows = inputRows(x, row * s - p, row * s - p + k, p).toType(DataType.FLOAT64, true);
            NDArray reference = Convolution2d.raw(rows, w64, b64, s, 0, call.groups());
            NDArray got = y.get(":, :, " + row + ":" + (row + 1)).toType(DataType.FLOAT64, true);
            scale = Math.max(scale, reference.abs().max().getDouble());
            worst = Math.max(worst, got.sub(reference).abs().max().getDouble()); // NaN stays NaN
        }
        return worst / Math.max(scale, Double.MIN_NORMAL);
    }

    /**
     * @return input rows [from, to) of x [N, C, H, W], zeros where they fall outside, with p zero columns on each
     *         side: what one band of output rows reads of the zero-padded input
     */
    private static NDArray inputRows(NDArray x, long from, long to, int p) {
        Shape shape = x.getShape();
        long height = shape.get(2);
        NDManager m = x.getManager();
        NDList parts = new NDList();
        if (from < 0) {
            parts.add(m.zeros(new Shape(shape.get(0), shape.get(1), -from, shape.get(3)), x.getDataType()));
        }
        parts.add(x.get(":, :, " + Math.max(0, from) + ":" + Math.min(height, to)));
        if (to > height) {
            parts.add(m.zeros(new Shape(shape.get(0), shape.get(1), to - height, shape.get(3)), x.getDataType()));
        }
        NDArray rows = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 2);
        if (p == 0) {
            return rows;
        }
        NDArray columns = m.zeros(new Shape(shape.get(0), shape.get(1), to - from, p), x.getDataType());
        return NDArrays.concat(new NDList(columns, rows, columns), 3);
    }

    private static List<Result> backwardErrors(NDArray x, NDArray w, NDArray b, Convolution2d.Call call, int batch,
                                               NDManager m) {
        NDArray x64 = x.toType(DataType.FLOAT64, true);
        NDArray w64 = w.toType(DataType.FLOAT64, true);
        NDArray b64 = b == null ? null : b.toType(DataType.FLOAT64, true);
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        x64.setRequiresGradient(true);
        w64.setRequiresGradient(true);
        NDArray r;
        NDArray y;
        NDArray y64;
        // while gradients are recorded the guard pads more channels: another kernel, checked here too
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            y = Convolution2d.apply(x, w, b, call.stride(), call.padding(), call.groups());
            r = m.randomNormal(y.getShape());
            collector.backward(y.mul(r).sum());
        }
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            y64 = Convolution2d.raw(x64, w64, b64, call.stride(), call.padding(), call.groups());
            collector.backward(y64.mul(r.toType(DataType.FLOAT64, true)).sum());
        }
        return List.of(new Result(call, batch, "forward (training)", relative(y, y64)),
                new Result(call, batch, "backward (input gradient)", relative(x.getGradient(), x64.getGradient())),
                new Result(call, batch, "backward (weight gradient)", relative(w.getGradient(), w64.getGradient())));
    }

    private static double relative(NDArray got, NDArray reference) {
        double error = got.toType(DataType.FLOAT64, true).sub(reference).abs().max().getDouble();
        return error / Math.max(reference.abs().max().getDouble(), Double.MIN_NORMAL);
    }
}
