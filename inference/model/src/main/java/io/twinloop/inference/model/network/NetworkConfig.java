package io.twinloop.inference.model.network;

import io.twinloop.inference.model.core.CoreConfig;
import io.twinloop.inference.model.modulation.ModulationConfig;
import io.twinloop.inference.model.perspective.PerspectiveConfig;

/**
 * Every hyperparameter of a {@link Network} (fnn's {@code microns/build.py::network} and the
 * {@code Visual._init} sizes).
 *
 * @param units        neurons U the readout predicts
 * @param streams      parallel streams S whose log rates are averaged (fnn: 4)
 * @param stimuli      stimulus channels C (1: grayscale)
 * @param perspectives perspective inputs P (pupil centre x, y: 2)
 * @param modulations  modulation inputs M (pupil radius, treadmill velocity: 2)
 */
public record NetworkConfig(int units, int streams, int stimuli, int perspectives, int modulations,
                            PerspectiveConfig perspective, ModulationConfig modulation, CoreConfig core) {

    public NetworkConfig {
        if (units < 1 || streams < 1 || stimuli < 1 || perspectives < 1 || modulations < 1) {
            throw new IllegalArgumentException("sizes must be positive: units " + units + ", streams " + streams);
        }
    }

    /** The published network (Wang et al. 2025) with U units, as fnn's {@code build.network(units)}. */
    public static NetworkConfig published(int units) {
        return new NetworkConfig(units, 4, 1, 2, 2, PerspectiveConfig.published(), ModulationConfig.published(),
                CoreConfig.published());
    }

    /** The same architecture at reduced widths and a 32 x 48 retina: for tests and CPU demos. */
    /**
     * {@link #small} with half its core's channels ({@link CoreConfig#tiny()}) and one stream instead of four, for
     * training experiments on a CPU: fnn trains one random stream per batch, so with one stream every batch trains
     * the whole network.
     */
    public static NetworkConfig tiny(int units) {
        return new NetworkConfig(units, 1, 1, 2, 2, PerspectiveConfig.small(), ModulationConfig.small(),
                CoreConfig.tiny());
    }

    public static NetworkConfig small(int units) {
        return new NetworkConfig(units, 4, 1, 2, 2, PerspectiveConfig.small(), ModulationConfig.small(),
                CoreConfig.small());
    }
}
