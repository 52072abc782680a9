package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * {@link GridSampler}'s bilinear sampling at positions that stay fixed for the sampler's lifetime
 * (e.g. the readout's mean positions at inference), held as a sparse [P, H*W] matrix with up to four
 * entries per row, so that sampling is one sparse-dense product: no gathered copy of the map per tap,
 * and the map may carry any number of channels and sessions side by side.
 *
 * <pre>{@code
 * FixedGridSampler sampler = FixedGridSampler.of(grid, 16, 24, GridSampler.Padding.BORDER, manager);
 * NDArray sampled = sampler.sample(columns);   // [H*W, F] -> [P, F]
 * }</pre>
 */
public final class FixedGridSampler {

    private final long pixels;
    /** [P, H*W], sparse COO */
    private final NDArray matrix;

    private FixedGridSampler(NDArray matrix, long pixels) {
        this.matrix = matrix;
        this.pixels = pixels;
    }

    /**
     * @param grid    [P, 2], (x, y) in [-1, 1]
     * @param manager owns the matrix (it lives as long as this manager, outside any open {@link NDScope})
     */
    public static FixedGridSampler of(NDArray grid, long height, long width, GridSampler.Padding padding,
                                      NDManager manager) {
        int points = Math.toIntExact(grid.getShape().get(0));
        int pixels = Math.toIntExact(height * width);
        // dense first, then sparse: torch's own copy (a COO tensor made from Java buffers would point into them)
        float[] dense = new float[Math.multiplyExact(points, pixels)];
        for (GridSampler.Tap tap : GridSampler.taps(grid, height, width, padding)) {
            long[] index = tap.index().toLongArray();
            float[] weight = tap.weight().toFloatArray();
            for (int p = 0; p < points; p++) {
                // a tap off the map has weight 0 and the index of one on it: the sum is the same
                dense[p * pixels + (int) index[p]] += weight[p];
            }
        }
        NDArray matrix;
        try (NDManager scratch = manager.newSubManager()) {
            matrix = scratch.create(dense, new Shape(points, pixels)).toSparse(SparseFormat.COO);
            matrix.attach(manager);
        }
        NDScope.unregister(matrix);
        return new FixedGridSampler(matrix, pixels);
    }

    /**
     * @param columns [H*W, F]: the map's pixels (row-major) by anything sampled alike (channels, sessions)
     * @return [P, F]
     */
    public NDArray sample(NDArray columns) {
        if (columns.getShape().dimension() != 2 || columns.getShape().get(0) != pixels) {
            throw new IllegalArgumentException("expected [" + pixels + ", F] columns, got " + columns.getShape());
        }
        NDArray sampled = matrix.matMul(columns);
        // the result would otherwise belong to the matrix's (long-lived) manager
        sampled.attach(columns.getManager());
        return sampled;
    }
}
