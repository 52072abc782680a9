package io.twinloop.simulator.recording;

import io.twinloop.proto.npy.NpyArray;
import java.util.Arrays;

/** Two-dimensional {@code .npy} arrays to and from Java rows. */
final class NpyRows {

    private NpyRows() {
    }

    static NpyArray of(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return NpyArray.ofFloats(flat, rows.length, cols);
    }

    static NpyArray of(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return NpyArray.ofDoubles(flat, rows.length, cols);
    }

    static float[][] floats(NpyArray array, String what) {
        int[] shape = twoDimensional(array, what);
        float[] flat = array.asFloats();
        float[][] rows = new float[shape[0]][];
        for (int r = 0; r < shape[0]; r++) {
            rows[r] = Arrays.copyOfRange(flat, r * shape[1], (r + 1) * shape[1]);
        }
        return rows;
    }

    static double[][] doubles(NpyArray array, String what) {
        int[] shape = twoDimensional(array, what);
        double[] flat = array.asDoubles();
        double[][] rows = new double[shape[0]][];
        for (int r = 0; r < shape[0]; r++) {
            rows[r] = Arrays.copyOfRange(flat, r * shape[1], (r + 1) * shape[1]);
        }
        return rows;
    }

    /** @return the values of an integer array of any shape, in C order */
    static long[] longs(NpyArray array) {
        double[] values = array.asDoubles();
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (long) values[i];
        }
        return out;
    }

    private static int[] twoDimensional(NpyArray array, String what) {
        if (array.shape().length != 2) {
            throw new IllegalArgumentException(what + ": expected 2 dimensions, got " + Arrays.toString(array.shape()));
        }
        return array.intShape();
    }
}
