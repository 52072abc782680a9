package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sparse sampler at fixed positions reads what {@link GridSampler} reads. */
class FixedGridSamplerTest {

    @Test
    void samplesAsGridSamplerDoes() {
        int points = 1037;
        long height = 5;
        long width = 7;
        long features = 6;
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(3);
            // some points beyond the map, where the padding decides
            NDArray grid = manager.randomUniform(-1.3f, 1.3f, new Shape(points, 2));
            NDArray map = manager.randomUniform(-1, 1, new Shape(1, features, height, width));
            // [H*W, F]
            NDArray columns = map.reshape(features, height * width).transpose(1, 0);
            for (GridSampler.Padding padding : GridSampler.Padding.values()) {
                FixedGridSampler sampler = FixedGridSampler.of(grid, height, width, padding, manager);
                NDArray expected = GridSampler.sample(map, grid.reshape(1, points, 1, 2), padding)
                        .reshape(features, points).transpose(1, 0);
                NDArray sampled = sampler.sample(columns);
                assertEquals(new Shape(points, features), sampled.getShape());
                double err = sampled.sub(expected).abs().max().getFloat();
                assertTrue(err < 1e-6, padding + ": max abs error " + err);
            }
        }
    }
}
