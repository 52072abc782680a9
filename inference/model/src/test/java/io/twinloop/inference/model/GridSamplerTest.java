package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** torch's grid_sample(bilinear, align_corners=False) on a 2 x 2 map, values worked out by hand. */
class GridSamplerTest {

    /** grid points: map centre, top-left edge corner, bottom-right edge corner, pixel (0, 0)'s centre, far outside */
    private static final float[] GRID = {0f, 0f, -1f, -1f, 1f, 1f, -0.5f, -0.5f, 5f, 0f};

    private float[] sample(GridSampler.Padding padding) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray map = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            NDArray grid = manager.create(GRID, new Shape(1, 1, 5, 2));
            return GridSampler.sample(map, grid, padding).toFloatArray();
        }
    }

    @Test
    void zerosPaddingFadesToZeroBeyondTheEdge() {
        // the edge corners are half a pixel outside: a quarter of the corner pixel
        assertArrayEquals(new float[] {2.5f, 0.25f, 1f, 1f, 0f}, sample(GridSampler.Padding.ZEROS), 1e-6f);
    }

    @Test
    void borderPaddingExtendsTheEdgePixels() {
        // x = 5 is clamped onto the right column at mid height: (2 + 4) / 2
        assertArrayEquals(new float[] {2.5f, 1f, 4f, 1f, 3f}, sample(GridSampler.Padding.BORDER), 1e-6f);
    }
}
