package io.twinloop.inference.model.perspective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import io.twinloop.inference.model.GridSampler;
import io.twinloop.inference.model.Scalars;

/**
 * Samples a frame at screen positions given in isotropic units (fnn's {@code isotropic_grid_sample_2d},
 * major "x"): the frame's width spans [-1, 1] and its height the same units per pixel, so a position
 * means the same physical place on the monitor whatever the frame's aspect ratio.
 *
 * <p>fnn rescales the grid before torch's grid_sample: y by W/H (frame), both by W/(W-1) (frame) and
 * then x by (W'-1)/W' and y by (H'-1)/H' of the sampling grid. The last factor is fnn's own convention;
 * it is reproduced exactly so that the twin sees what the published model saw.
 */
public final class IsotropicSampler {

    private IsotropicSampler() {
    }

    /**
     * @param frame     [N, C, H, W]
     * @param positions [N, H', W', 2] isotropic screen coordinates (x, y)
     * @param periphery what lies outside the frame
     * @return [N, C, H', W']
     */
    public static NDArray sample(NDArray frame, NDArray positions, Periphery periphery) {
        long frameHeight = frame.getShape().get(2);
        long frameWidth = frame.getShape().get(3);
        long gridHeight = positions.getShape().get(1);
        long gridWidth = positions.getShape().get(2);
        double scale = frameWidth / (double) (frameWidth - 1);

        NDArray x = positions.get(new NDIndex("..., 0"));
        NDArray y = Scalars.mul(positions.get(new NDIndex("..., 1")), frameWidth / (double) frameHeight);
        NDArray gridX = Scalars.mul(x, scale * (gridWidth - 1) / gridWidth);
        NDArray gridY = Scalars.mul(y, scale * (gridHeight - 1) / gridHeight);
        NDArray grid = NDArrays.stack(new NDList(gridX, gridY), 3);
        return GridSampler.sample(frame, grid, periphery.padding());
    }
}
