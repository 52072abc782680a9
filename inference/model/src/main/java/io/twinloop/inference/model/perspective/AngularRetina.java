package io.twinloop.inference.model.perspective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.StateDict;

/**
 * The retina as a grid of unit rays at equal angular spacing (fnn's {@code retinas.Angular}): pixel
 * (x, y) of an isotropic grid looks at polar angle r = |(x, y)| * maxAngle (at most 90 degrees) and
 * azimuth atan2(y, x). The eye's rotation turns the whole grid.
 *
 * <p>The grid is a buffer of the checkpoint ({@code <prefix>.grid}, [H, W, 3]); it is computed here
 * only when the network is initialised.
 */
public final class AngularRetina {

    /** [H, W, 3] unit rays of the unrotated eye */
    private final NDArray grid;
    private final int height;
    private final int width;

    /**
     * @param prefix  state_dict prefix, e.g. {@code perspective.retina}
     * @param height  retina height H (fnn: 128)
     * @param width   retina width W (fnn: 192)
     * @param degrees visual angle at the grid's x edge (fnn: 75)
     */
    public AngularRetina(StateDict state, String prefix, int height, int width, double degrees) {
        this.height = height;
        this.width = width;
        this.grid = state.take(prefix + ".grid", new Shape(height, width, 3),
                (m, s) -> rays(m, height, width, Math.toRadians(degrees)));
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /**
     * @param rotation [N, 3, 3] ocular rotation
     * @return [N, H, W, 3] rotated rays: ray[n, h, w] = rotation[n] · grid[h, w]
     */
    public NDArray rays(NDArray rotation) {
        long n = rotation.getShape().get(0);
        return grid.reshape(1, (long) height * width, 3)
                .matMul(rotation.transpose(0, 2, 1))
                .reshape(n, height, width, 3);
    }

    /** @return [H, W, 3] the unrotated grid of unit rays */
    private static NDArray rays(NDManager manager, int height, int width, double radians) {
        NDArray xy = IsotropicGrid.create(manager, height, width);
        NDArray x = xy.get(new NDIndex("..., 0"));
        NDArray y = xy.get(new NDIndex("..., 1"));
        NDArray polar = x.square().add(y.square()).sqrt().mul(radians).clip(0, Math.PI / 2);
        NDArray azimuth = y.atan2(x);
        NDList components = new NDList(
                polar.sin().mul(azimuth.cos()),
                polar.sin().mul(azimuth.sin()),
                polar.cos());
        return NDArrays.stack(components, 2);
    }
}
