package io.twinloop.inference.model.perspective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Mlp;
import io.twinloop.inference.model.elements.Nonlinearity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the eye sees of the monitor (fnn's {@code perspectives.MlpMonitorRetina}): the pupil centre
 * sets the eye's rotation through an MLP (3 Euler angles), the rotated retinal rays are intersected
 * with the monitor plane, and the frame, after the monitor's gamma, is sampled bilinearly there and
 * passed through the retina's intensity response.
 *
 * <p>Keys under {@code perspective}: {@code mlp.linears.k}, {@code monitor.*}, {@code monitor_pixel.*},
 * {@code retina.grid}, {@code retina_pixel.*}.
 */
public final class MlpMonitorRetina {

    private final Mlp mlp;
    private final PlaneMonitor monitor;
    private final PixelIntensity monitorPixel;
    private final AngularRetina retina;
    private final PixelIntensity retinaPixel;

    /**
     * @param prefix       state_dict prefix, e.g. {@code perspective}
     * @param perspectives perspective features F (pupil centre x, y: 2)
     */
    public MlpMonitorRetina(PerspectiveConfig config, int perspectives, StateDict state, String prefix) {
        this.monitor = new PlaneMonitor(state, prefix + ".monitor");
        this.monitorPixel = new StaticPower(state, prefix + ".monitor_pixel", config.monitorPower());
        this.retina = new AngularRetina(state, prefix + ".retina", config.retinaHeight(), config.retinaWidth(),
                config.retinaDegrees());
        this.retinaPixel = new SigmoidPower(state, prefix + ".retina_pixel");

        // fnn starts the first layer at zero weights, so that every pupil position starts at one rotation
        state.take(prefix + ".mlp.linears.0.weights.0", new Shape(config.mlpFeatures(), perspectives, 1, 1, 1),
                (m, s) -> m.zeros(s));
        int layers = config.mlpLayers();
        List<Integer> features = new ArrayList<>(Collections.nCopies(layers, config.mlpFeatures()));
        features.add(3);
        List<Boolean> wnorms = new ArrayList<>(Collections.nCopies(layers + 1, true));
        wnorms.set(0, false);
        List<Nonlinearity> nonlinears = new ArrayList<>(
                Collections.nCopies(layers, Nonlinearity.of(config.mlpNonlinear())));
        nonlinears.add(Nonlinearity.of(null));
        this.mlp = new Mlp(perspectives, features, wnorms, nonlinears, 1, state, prefix + ".mlp");
    }

    /**
     * @param perspective [N, F] pupil centre
     * @return [N, 3, 3] ocular rotation
     */
    public NDArray rotation(NDArray perspective) {
        NDArray angles = mlp.forward(perspective, null);
        return Rotation.matrix(angles.get(":, 0"), angles.get(":, 1"), angles.get(":, 2"));
    }

    /**
     * @param stimulus    [N, C, H, W] frame, pixel intensities in [0, 1]
     * @param perspective [N, F] pupil centre
     * @param periphery   what the retina sees beyond the monitor
     * @return [N, C, H', W'] the retinal image
     */
    public NDArray forward(NDArray stimulus, NDArray perspective, Periphery periphery) {
        NDArray rays = retina.rays(rotation(perspective));
        NDArray onScreen = monitor.project(rays);
        NDArray luminance = monitorPixel.apply(stimulus);
        return retinaPixel.apply(IsotropicSampler.sample(luminance, onScreen, periphery));
    }
}
