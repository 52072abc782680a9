package io.twinloop.inference.model.perspective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.DerivedTensors;
import io.twinloop.inference.model.Scalars;
import io.twinloop.inference.model.StateDict;

/**
 * The monitor as a plane in the eye's 3D frame (fnn's {@code monitors.Plane}), at inference: a learned
 * centre and orientation (Euler angles), whose rotated x and y axes span the screen and whose z axis
 * is its normal. A ray from the eye hits the plane where (t ray - centre) · Z = 0; the hit point's
 * coordinates along X and Y are the screen position that the sampler reads.
 *
 * <p>{@code center_std} and {@code angle_std} (the jitter fnn applies while training) are taken from
 * the checkpoint but not used.
 */
public final class PlaneMonitor {

    /** fnn's eps: denominators (ray · normal) are clipped to at least this */
    private static final float EPS = 1e-5f;

    /** [3] */
    private final NDArray center;
    /** [3], the plane's normal Z */
    private final NDArray normal;
    /** [3, 2], the plane's in-screen axes X and Y as columns */
    private final NDArray screenAxes;
    /** [], Z · centre: the plane's distance from the eye along its normal */
    private final NDArray distance;

    /** @param prefix state_dict prefix, e.g. {@code perspective.monitor} */
    public PlaneMonitor(StateDict state, String prefix) {
        Shape three = new Shape(3);
        this.center = state.take(prefix + ".center", three, (m, s) -> m.create(new float[] {0f, 0f, 0.5f}));
        NDArray angle = state.take(prefix + ".angle", three, (m, s) -> m.zeros(s));
        state.take(prefix + ".center_std", three, (m, s) -> m.full(s, 0.05f));
        state.take(prefix + ".angle_std", three, (m, s) -> m.full(s, 0.05f));

        // [3, 3], columns X, Y, Z
        NDArray axes = Rotation.matrix(angle.get("0:1"), angle.get("1:2"), angle.get("2:3")).get(0);
        this.normal = DerivedTensors.keep(state, axes.get(new NDIndex(":, 2")));
        this.screenAxes = DerivedTensors.keep(state, axes.get(new NDIndex(":, 0:2")));
        this.distance = DerivedTensors.keep(state, normal.mul(center).sum());
    }

    /**
     * @param rays [N, H, W, 3] ray directions from the eye
     * @return [N, H, W, 2] where each ray hits the screen, in the screen's (X, Y) coordinates
     */
    public NDArray project(NDArray rays) {
        NDArray alongNormal = Scalars.maximum(rays.matMul(normal), EPS);
        NDArray hit = distance.div(alongNormal).expandDims(3).mul(rays);
        return hit.sub(center).matMul(screenAxes);
    }
}
