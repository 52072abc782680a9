package io.twinloop.inference.model.perspective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * fnn's {@code isotropic_grid_2d(major="x")}: pixel centres of an H x W image on a grid whose x axis
 * spans the image width in [-1, 1] (pixel edges at ±1) and whose y axis has the same spacing.
 */
public final class IsotropicGrid {

    private IsotropicGrid() {
    }

    /** @return [H, W, 2] (x, y) of every pixel centre */
    public static NDArray create(NDManager manager, int height, int width) {
        double scale = (width - 1) / (double) width;
        float[] xy = new float[height * width * 2];
        for (int row = 0; row < height; row++) {
            float y = (float) (linspace(row, height) * height / width * scale);
            for (int col = 0; col < width; col++) {
                int at = (row * width + col) * 2;
                xy[at] = (float) (linspace(col, width) * scale);
                xy[at + 1] = y;
            }
        }
        return manager.create(xy, new Shape(height, width, 2));
    }

    /** @return the i-th of n values evenly spaced over [-1, 1] */
    private static double linspace(int i, int n) {
        return n == 1 ? -1 : -1 + 2.0 * i / (n - 1);
    }
}
