package io.twinloop.simulator.mouse;

import java.util.List;

/**
 * Multiplicative gain of each neuron by the animal's state: running (saturating in speed) and arousal, read
 * from pupil size relative to the reference radius. Log-linear so that the gain stays positive.
 */
public final class BehaviouralGain {

    /** Speed at which the running term reaches tanh(1) of its maximum. */
    static final double RUNNING_SCALE_CM_PER_S = 10;

    private final double[] runningGain;
    private final double[] pupilGain;
    private final double referenceRadius;

    public BehaviouralGain(MouseConfig config, List<NeuronTuning> neurons) {
        runningGain = neurons.stream().mapToDouble(NeuronTuning::runningGain).toArray();
        pupilGain = neurons.stream().mapToDouble(NeuronTuning::pupilGain).toArray();
        referenceRadius = config.pupilReferenceRadius();
    }

    /** @param gainOut per neuron, the factor on the driven rate */
    public void gains(BehaviourAtFrame behaviour, double[] gainOut) {
        double running = Math.tanh(Math.abs(behaviour.runningSpeed()) / RUNNING_SCALE_CM_PER_S);
        double dilation = behaviour.pupilRadius() / referenceRadius - 1;
        for (int i = 0; i < gainOut.length; i++) {
            gainOut[i] = Math.exp(runningGain[i] * running + pupilGain[i] * dilation);
        }
    }
}
