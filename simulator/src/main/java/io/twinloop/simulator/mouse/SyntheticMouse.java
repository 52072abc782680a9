package io.twinloop.simulator.mouse;

import java.util.List;

/**
 * A population of model V1 neurons with known tuning: it turns frames and behaviour into each neuron's
 * noiseless firing rate, frame by frame. Stateful (temporal filters): one instance per trial stream; call
 * {@link #reset()} between trials. Observe the rates through a {@link CalciumIndicator} to get recordings.
 */
public final class SyntheticMouse {

    private final MouseConfig config;
    private final List<NeuronTuning> neurons;
    private final RetinalImage retina;
    private final ReceptiveFieldBank receptiveFields;
    private final MotionEnergy motionEnergy;
    private final BehaviouralGain behaviouralGain;
    private final double[] baseline;
    private final double[] amplitude;
    private final double[] c50;
    private final double[] even;
    private final double[] odd;
    private final double[] drive;
    private final double[] gain;

    public SyntheticMouse(MouseConfig config, List<NeuronTuning> neurons) {
        this.config = config;
        this.neurons = List.copyOf(neurons);
        this.retina = new RetinalImage(config);
        this.receptiveFields = new ReceptiveFieldBank(config, neurons);
        this.motionEnergy = new MotionEnergy(config, neurons);
        this.behaviouralGain = new BehaviouralGain(config, neurons);
        this.baseline = neurons.stream().mapToDouble(NeuronTuning::baselineRate).toArray();
        this.amplitude = neurons.stream().mapToDouble(NeuronTuning::amplitudeRate).toArray();
        this.c50 = neurons.stream().mapToDouble(NeuronTuning::c50).toArray();
        int n = neurons.size();
        this.even = new double[n];
        this.odd = new double[n];
        this.drive = new double[n];
        this.gain = new double[n];
    }

    /** A mouse whose neurons are drawn with {@link TuningSampler} from {@code seed}. */
    public static SyntheticMouse sample(MouseConfig config, long seed) {
        return new SyntheticMouse(config, TuningSampler.sample(config, seed));
    }

    public MouseConfig config() {
        return config;
    }

    /** @return the ground truth, in unit order */
    public List<NeuronTuning> neurons() {
        return neurons;
    }

    /** @return per neuron, the rate with no visual drive (spikes per frame) */
    public double[] restingRates() {
        return baseline.clone();
    }

    public void reset() {
        motionEnergy.reset();
    }

    /**
     * @param gray8     the frame shown, {@code screenHeight x screenWidth} unsigned bytes, row-major
     * @param behaviour the animal's behaviour at the frame's time
     * @param ratesOut  per neuron, the expected number of spikes in this frame
     */
    public void step(byte[] gray8, BehaviourAtFrame behaviour, double[] ratesOut) {
        double shiftX = config.screenPixelsPerPupilPixel() * (behaviour.pupilX() - config.pupilReferenceX());
        double shiftY = config.screenPixelsPerPupilPixel() * (behaviour.pupilY() - config.pupilReferenceY());
        receptiveFields.project(retina.see(gray8, shiftX, shiftY), even, odd);
        motionEnergy.step(even, odd, drive);
        behaviouralGain.gains(behaviour, gain);
        for (int i = 0; i < ratesOut.length; i++) {
            // Contrast normalisation: a saturating function of the drive (Naka-Rushton with exponent 1).
            ratesOut[i] = baseline[i] + amplitude[i] * gain[i] * drive[i] / (drive[i] + c50[i]);
        }
    }
}
