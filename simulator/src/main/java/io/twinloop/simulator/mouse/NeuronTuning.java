package io.twinloop.simulator.mouse;

/**
 * The ground truth of one model neuron: what it is tuned to and how strongly it responds. Positions and sizes
 * are in screen pixels of the full frame (x right, y down) with the eye at its reference position; the
 * receptive field moves on the screen with the eye.
 *
 * @param unitId                 the unit's id in the recording
 * @param cellType               simple or complex
 * @param centreX                receptive-field centre, screen pixels
 * @param centreY                receptive-field centre, screen pixels
 * @param sigma                  Gaussian envelope standard deviation, screen pixels
 * @param directionDegrees       preferred drift direction of a grating, degrees (0 = rightwards, 90 = upwards, as
 *                               the stimulus domains count it)
 * @param directionSelectivity   0: responds to both directions of its orientation alike; 0.5: preferred-direction
 *                               motion energy only; 1: opponent energy, silent for the opposite direction
 * @param spatialFrequency       preferred spatial frequency, cycles per screen pixel
 * @param temporalFrequencyHz    preferred temporal frequency, Hz (0: prefers static or slowly changing input)
 * @param phaseRadians           preferred spatial phase (simple cells only)
 * @param timeConstantSeconds    integration time constant of the temporal filter
 * @param c50                    drive at half-maximal response (contrast normalisation)
 * @param baselineRate           spontaneous rate, spikes per frame
 * @param amplitudeRate          driven rate at saturation, spikes per frame
 * @param runningGain            log gain per unit of tanh(speed / 10 cm/s)
 * @param pupilGain              log gain per relative change of pupil radius
 */
public record NeuronTuning(long unitId, CellType cellType, double centreX, double centreY, double sigma,
                           double directionDegrees, double directionSelectivity, double spatialFrequency,
                           double temporalFrequencyHz, double phaseRadians, double timeConstantSeconds, double c50,
                           double baselineRate, double amplitudeRate, double runningGain, double pupilGain) {

    /** @return preferred orientation of the grating's drift axis, degrees in [0, 180) */
    public double orientationDegrees() {
        return ((directionDegrees % 180) + 180) % 180;
    }
}
