package io.twinloop.inference.model.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.twinloop.inference.model.CheckpointException;
import io.twinloop.inference.model.DerivedTensors;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.core.Core;
import io.twinloop.inference.model.core.FeedforwardRecurrent;
import io.twinloop.inference.model.modulation.MlpLstm;
import io.twinloop.inference.model.perspective.MlpMonitorRetina;
import io.twinloop.inference.model.perspective.Periphery;
import io.twinloop.inference.model.readout.PoissonUnit;
import io.twinloop.inference.model.readout.PositionFeature;
import io.twinloop.inference.model.readout.StreamMean;

/**
 * The digital twin of one mouse (fnn's {@code networks.Visual}), stepped one frame at a time:
 * perspective (what the eye sees), modulation (behavioural state), the shared core, the readout of
 * every unit, the mean over streams (log space) and the Poisson unit (exp).
 *
 * <p>All recurrent state is in the {@link NetworkState} passed to {@link #forward}; the network itself
 * is immutable after it is built, so one instance serves any number of sessions and threads.
 * DJL gives an operation's result to its first operand's manager, often the parameters' manager:
 * call {@link #forward} inside an {@link ai.djl.ndarray.NDScope} (as {@code BatchedSessionStepper}
 * does) so that a frame's intermediates are released with the frame.
 *
 * <pre>{@code
 * Network net = Network.load(NetworkConfig.published(units), TorchCheckpoint.load(manager, core, scan));
 * NetworkState state = NetworkState.fresh();
 * NDArray rates = net.forward(stimulus, perspective, modulation, null, Periphery.DARK, state); // [N, U]
 * }</pre>
 */
public final class Network {

    private final NetworkConfig config;
    private final NDManager manager;
    private final MlpMonitorRetina perspective;
    private final MlpLstm modulation;
    private final Core core;
    private final PositionFeature readout;
    private final StreamMean reduce = new StreamMean();
    private final PoissonUnit unit = new PoissonUnit();

    private Network(NetworkConfig config, StateDict state) {
        this.config = config;
        this.manager = state.manager();
        // what the modules derive from their parameters while building (e.g. weight standardisation) is
        // released here; what they use at every frame they keep (DerivedTensors)
        try (NDScope building = new NDScope()) {
            this.perspective = new MlpMonitorRetina(config.perspective(), config.perspectives(), state, "perspective");
            this.modulation = new MlpLstm(config.modulation(), config.modulations(), config.streams(), state,
                    "modulation");
            this.core = new FeedforwardRecurrent(config.core(), config.streams(), config.stimuli(),
                    modulation.features(), state, "core");
            this.readout = new PositionFeature(state, "readout", config.units(), PoissonUnit.READOUTS,
                    core.channels(), config.streams());
            int[] map = core.outputSize(config.perspective().retinaHeight(), config.perspective().retinaWidth());
            readout.prepare(map[0], map[1]);
        }
    }

    /**
     * Builds the network from a checkpoint's tensors (e.g. {@code params_core.pt} + a mouse's
     * {@code params_*.pt}).
     *
     * @throws CheckpointException naming the key if a tensor is missing, mis-shaped or not used
     */
    public static Network load(NetworkConfig config, StateDict checkpoint) {
        Network network = new Network(config, checkpoint);
        checkpoint.requireAllUsed();
        return network;
    }

    /**
     * Builds a network with fnn's initial parameters (random where fnn's are); {@code state.tensors()}
     * then holds them under their fnn keys.
     */
    public static Network initialise(NetworkConfig config, StateDict state) {
        return new Network(config, state);
    }

    public NetworkConfig config() {
        return config;
    }

    /** @return the manager that owns the parameters (and decides their device) */
    public NDManager manager() {
        return manager;
    }

    public int units() {
        return config.units();
    }

    /** @return {H', W'} of the retinal image the core sees */
    public int[] retinaSize() {
        return new int[] {config.perspective().retinaHeight(), config.perspective().retinaWidth()};
    }

    /**
     * Steps the network by one frame for a batch of sessions.
     *
     * @param stimulus    [N, C, H, W] pixel intensities in [0, 1]
     * @param perspective [N, P] pupil centre (standardised)
     * @param modulation  [N, M] pupil radius, treadmill velocity (standardised)
     * @param stream      one stream (0..S-1), or null for the mean of all streams (the default)
     * @param periphery   what the retina sees beyond the monitor (fnn's default: DARK)
     * @param state       the sessions' recurrent state [N, ...]: read, then replaced; fresh on frame 0
     * @return [N, U] predicted responses
     */
    public NDArray forward(NDArray stimulus, NDArray perspective, NDArray modulation, Integer stream,
                           Periphery periphery, NetworkState state) {
        return forward(stimulus, perspective, modulation, stream, periphery, state, false);
    }

    /** The readout's mean position per unit [U, 2]: the key whose first dimension is the number of units. */
    public static final String POSITION_MEAN_KEY = "readout.position.mu";

    /** State key of the readout positions drawn for a sequence while training. */
    static final String SAMPLED_POSITIONS = "readout.position.sample";

    /**
     * As {@link #forward(NDArray, NDArray, NDArray, Integer, Periphery, NetworkState)}, in training or
     * inference mode.
     *
     * @param training false: the readout samples the core's map at the units' mean positions with the
     *                 precomputed sparse sampler (fast, inference). true: every unit's position is drawn
     *                 from its Gaussian once per sequence and session (on the fresh state; the draw is kept
     *                 in {@code state}) and sampled bilinearly from the positions, so that gradients reach
     *                 the Gaussian's mean and scale (fnn's {@code positions.Gaussian} in training mode)
     */
    public NDArray forward(NDArray stimulus, NDArray perspective, NDArray modulation, Integer stream,
                           Periphery periphery, NetworkState state, boolean training) {
        return unit.response(logRate(stimulus, perspective, modulation, stream, periphery, state, training));
    }

    /**
     * As {@link #forward(NDArray, NDArray, NDArray, Integer, Periphery, NetworkState, boolean)} in training mode,
     * with the readout positions' standard-normal draw given by the caller (used on the sequence's first frame,
     * when the positions are drawn; e.g. the draw of a reference run, to reproduce it).
     *
     * @param positionNoise [N, U, 2] e ~ N(0, I); positions are mu + sigma · e
     */
    public NDArray forwardTraining(NDArray stimulus, NDArray perspective, NDArray modulation, Integer stream,
                                   Periphery periphery, NetworkState state, NDArray positionNoise) {
        return unit.response(logRate(stimulus, perspective, modulation, stream, periphery, state, true,
                positionNoise));
    }

    /**
     * Steps perspective, modulation and core by one frame: the feature map the readout samples.
     *
     * @return [N, S*C, H, W] (stream null: every stream's C channels) or [N, C, H, W]; the arguments as for
     *         {@link #forward(NDArray, NDArray, NDArray, Integer, Periphery, NetworkState)}
     */
    public NDArray coreFeatures(NDArray stimulus, NDArray perspective, NDArray modulation, Integer stream,
                                Periphery periphery, NetworkState state) {
        if (stream != null && (stream < 0 || stream >= config.streams())) {
            throw new IllegalArgumentException("stream " + stream + " not in 0.." + (config.streams() - 1));
        }
        NDArray retinal = this.perspective.forward(stimulus, perspective, periphery);
        NDArray behaviour = modulation;
        if (stream == null) {
            // every stream sees the same input; they differ in their weights
            retinal = retinal.tile(new long[] {1, config.streams(), 1, 1});
            behaviour = behaviour.tile(new long[] {1, config.streams()});
        }
        NDArray modulated = this.modulation.forward(behaviour, stream, state);
        return core.forward(retinal, modulated, stream, state);
    }

    /**
     * The log rate of every unit (fnn's raw readout, before {@code exp}), as the Poisson loss takes it:
     * taking the log of {@link #forward}'s rate instead would give -inf, and a NaN gradient, wherever the
     * rate underflows.
     *
     * @return [N, U, 1] log rates; the arguments as for
     *         {@link #forward(NDArray, NDArray, NDArray, Integer, Periphery, NetworkState, boolean)}
     */
    public NDArray logRate(NDArray stimulus, NDArray perspective, NDArray modulation, Integer stream,
                           Periphery periphery, NetworkState state, boolean training) {
        return logRate(stimulus, perspective, modulation, stream, periphery, state, training, null);
    }

    /**
     * As {@link #logRate(NDArray, NDArray, NDArray, Integer, Periphery, NetworkState, boolean)}, with the
     * training-mode positions drawn from {@code positionNoise} [N, U, 2] (null: drawn from the engine's generator).
     */
    public NDArray logRate(NDArray stimulus, NDArray perspective, NDArray modulation, Integer stream,
                           Periphery periphery, NetworkState state, boolean training, NDArray positionNoise) {
        NDArray features = coreFeatures(stimulus, perspective, modulation, stream, periphery, state);
        NDArray logRate;
        if (training) {
            NDArray positions = state.get(SAMPLED_POSITIONS);
            if (positions == null) {
                long sessions = features.getShape().get(0);
                if (positionNoise != null && positionNoise.getShape().get(0) != sessions) {
                    throw new IllegalArgumentException("position noise " + positionNoise.getShape() + " is not for "
                            + sessions + " sessions");
                }
                positions = positionNoise == null ? readout.position().sample(sessions)
                        : readout.position().sample(positionNoise); // [N, U, 2]
                state.put(SAMPLED_POSITIONS, positions);
            }
            logRate = readout.forward(features, stream, positions);
        } else {
            logRate = readout.forward(features, stream);
        }
        return stream == null ? reduce.apply(logRate) : logRate;
    }
}
