package io.twinloop.inference.model.perspective;

/**
 * Hyperparameters of {@link MlpMonitorRetina}.
 *
 * @param mlpFeatures    hidden features of the pupil-to-rotation MLP
 * @param mlpLayers      hidden layers of that MLP
 * @param mlpNonlinear   its nonlinearity (fnn name, e.g. "gelu")
 * @param retinaHeight   retina height in rays H'
 * @param retinaWidth    retina width in rays W'
 * @param retinaDegrees  visual angle at the retina's horizontal edge
 * @param monitorPower   monitor gamma (StaticPower's initial power)
 */
public record PerspectiveConfig(int mlpFeatures, int mlpLayers, String mlpNonlinear, int retinaHeight,
                                int retinaWidth, double retinaDegrees, float monitorPower) {

    /** fnn/microns/build.py: 16 features x 3 layers, gelu, 128 x 192 retina, 75 degrees, gamma 1.7 */
    public static PerspectiveConfig published() {
        return new PerspectiveConfig(16, 3, "gelu", 128, 192, 75, 1.7f);
    }

    /** The same architecture with a 32 x 48 retina, for tests and demos. */
    public static PerspectiveConfig small() {
        return new PerspectiveConfig(8, 2, "gelu", 32, 48, 75, 1.7f);
    }
}
