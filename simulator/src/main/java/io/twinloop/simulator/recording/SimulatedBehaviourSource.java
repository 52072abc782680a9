package io.twinloop.simulator.recording;

import io.twinloop.simulator.behaviour.BehaviourParameters;
import io.twinloop.simulator.behaviour.BehaviourState;
import io.twinloop.simulator.behaviour.MouseBehaviour;

/**
 * Behaviour of the simulated mouse ({@link MouseBehaviour}) sampled as the rig does: treadmill at 100 Hz, eye
 * tracking at 20 Hz. Each trial is an independent stretch of behaviour, taken after a warm-up so that it does
 * not start from the simulation's initial state.
 */
public final class SimulatedBehaviourSource implements BehaviourSource {

    private static final long TREADMILL_PERIOD_MICROS = 10_000;
    private static final int TREADMILL_SAMPLES_PER_EYE_SAMPLE = 5;
    private static final long WARM_UP_MICROS = 20_000_000;

    private final BehaviourParameters parameters;

    public SimulatedBehaviourSource(BehaviourParameters parameters) {
        this.parameters = parameters;
    }

    public SimulatedBehaviourSource() {
        this(BehaviourParameters.DEFAULT);
    }

    @Override
    public TrialBehaviour trial(long seed, double seconds) {
        MouseBehaviour mouse = new MouseBehaviour(parameters, seed);
        int ticks = (int) Math.ceil(seconds * 1e6 / TREADMILL_PERIOD_MICROS) + 1;
        int eyeSamples = (ticks - 1) / TREADMILL_SAMPLES_PER_EYE_SAMPLE + 1;
        double[][] treadmill = new double[ticks][];
        double[][] eye = new double[eyeSamples][];
        // One pass forwards in time: the behaviour simulation is read forwards only.
        for (int i = 0; i < ticks; i++) {
            long micros = i * TREADMILL_PERIOD_MICROS;
            BehaviourState state = mouse.at(WARM_UP_MICROS + micros);
            double t = micros / 1e6;
            treadmill[i] = new double[] {t, state.velocity()};
            if (i % TREADMILL_SAMPLES_PER_EYE_SAMPLE == 0) {
                eye[i / TREADMILL_SAMPLES_PER_EYE_SAMPLE] = new double[] {t, state.pupilX(), state.pupilY(),
                        state.pupilRadius()};
            }
        }
        return new TrialBehaviour(eye, treadmill);
    }
}
