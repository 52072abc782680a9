package io.twinloop.simulator.mouse;

import java.util.Arrays;
import java.util.List;

/**
 * The temporal stage and the cell-type nonlinearity. The quadrature pair's outputs form a complex signal that
 * rotates at +2&pi;f for a grating drifting at f Hz in the preferred direction and at -2&pi;f in the opposite
 * one. Two causal, complex, exponentially decaying oscillators tuned to +f and -f (the preferred and the null
 * direction) filter it. Their outputs are combined with weight {@code 1 - 2 * directionSelectivity} on the null
 * stage: summed (0, orientation-selective), preferred only (0.5), or opponent (1, Adelson-Bergen: silent for the
 * opposite direction). Complex cells combine energies |z|^2, simple cells real parts at their preferred phase,
 * half-wave rectified and squared. Filters are scaled to unit gain at their resonance.
 */
public final class MotionEnergy {

    private final double[] decayRe;
    private final double[] decayIm;
    private final double[] inputGain;
    private final double[] nullWeight;
    private final double[] phaseRe;
    private final double[] phaseIm;
    private final boolean[] complex;
    private final double[] prefRe;
    private final double[] prefIm;
    private final double[] nullRe;
    private final double[] nullIm;

    public MotionEnergy(MouseConfig config, List<NeuronTuning> neurons) {
        int n = neurons.size();
        decayRe = new double[n];
        decayIm = new double[n];
        inputGain = new double[n];
        nullWeight = new double[n];
        phaseRe = new double[n];
        phaseIm = new double[n];
        complex = new boolean[n];
        prefRe = new double[n];
        prefIm = new double[n];
        nullRe = new double[n];
        nullIm = new double[n];
        double dt = 1 / config.frameRateHz();
        for (int i = 0; i < n; i++) {
            NeuronTuning t = neurons.get(i);
            double radius = Math.exp(-dt / t.timeConstantSeconds());
            double omega = 2 * Math.PI * t.temporalFrequencyHz() * dt;
            decayRe[i] = radius * Math.cos(omega);
            decayIm[i] = radius * Math.sin(omega);
            inputGain[i] = 1 - radius;
            nullWeight[i] = 1 - 2 * t.directionSelectivity();
            phaseRe[i] = Math.cos(t.phaseRadians());
            phaseIm[i] = -Math.sin(t.phaseRadians());
            complex[i] = t.cellType() == CellType.COMPLEX;
        }
    }

    /** Forgets the past: the start of a new trial after a gray screen. */
    public void reset() {
        Arrays.fill(prefRe, 0);
        Arrays.fill(prefIm, 0);
        Arrays.fill(nullRe, 0);
        Arrays.fill(nullIm, 0);
    }

    /**
     * Advances one frame.
     *
     * @param even     per neuron, cosine-phase filter response this frame
     * @param odd      per neuron, sine-phase filter response this frame
     * @param driveOut per neuron, the non-negative drive (squared contrast units)
     */
    public void step(double[] even, double[] odd, double[] driveOut) {
        for (int i = 0; i < decayRe.length; i++) {
            double inRe = inputGain[i] * even[i];
            double inIm = inputGain[i] * odd[i];
            double pr = decayRe[i] * prefRe[i] - decayIm[i] * prefIm[i] + inRe;
            double pi = decayRe[i] * prefIm[i] + decayIm[i] * prefRe[i] + inIm;
            // The null-direction oscillator turns the other way: the complex conjugate of the decay.
            double nr = decayRe[i] * nullRe[i] + decayIm[i] * nullIm[i] + inRe;
            double ni = decayRe[i] * nullIm[i] - decayIm[i] * nullRe[i] + inIm;
            prefRe[i] = pr;
            prefIm[i] = pi;
            nullRe[i] = nr;
            nullIm[i] = ni;
            if (complex[i]) {
                double energy = pr * pr + pi * pi + nullWeight[i] * (nr * nr + ni * ni);
                driveOut[i] = energy > 0 ? energy : 0;
            } else {
                double linear = (pr * phaseRe[i] - pi * phaseIm[i]) + nullWeight[i] * (nr * phaseRe[i] - ni * phaseIm[i]);
                driveOut[i] = linear > 0 ? linear * linear : 0;
            }
        }
    }
}
