package io.twinloop.simulator.behaviour;

/**
 * How a simulated mouse behaves. Rates in events per second, times in seconds, speeds in cm/s,
 * eye positions and radii in camera pixels.
 *
 * @param meanRestSeconds     mean length of a resting period (exponential)
 * @param meanRunSeconds      mean length of a running bout (exponential)
 * @param meanRunSpeed        mean of a bout's cruising speed (log-normal across bouts)
 * @param speedTimeConstant   how fast the speed follows the bout's target (first-order lag)
 * @param speedNoise          standard deviation of the speed's fluctuation around its target while running
 * @param pupilBaseRadius     pupil radius at rest, calm
 * @param pupilRunningDilation extra radius with full arousal (arousal follows running)
 * @param arousalTimeConstant lag of arousal, hence pupil, behind running onset and offset
 * @param pupilNoise          standard deviation of slow pupil fluctuations unrelated to running
 * @param restSaccadeRate     saccades per second at rest
 * @param runSaccadeRate      saccades per second while running
 * @param saccadeSpreadX      standard deviation of fixation positions, horizontal (saccades are mostly horizontal)
 * @param saccadeSpreadY      the same, vertical
 * @param eyeCentreX          camera position of the pupil looking straight ahead
 * @param eyeCentreY          the same, vertical
 */
public record BehaviourParameters(
        double meanRestSeconds, double meanRunSeconds, double meanRunSpeed, double speedTimeConstant,
        double speedNoise, double pupilBaseRadius, double pupilRunningDilation, double arousalTimeConstant,
        double pupilNoise, double restSaccadeRate, double runSaccadeRate, double saccadeSpreadX,
        double saccadeSpreadY, double eyeCentreX, double eyeCentreY) {

    /** A head-fixed mouse on a treadmill: runs about a third of the time, in bouts of ~8 s. */
    public static final BehaviourParameters DEFAULT = new BehaviourParameters(
            15, 8, 15, 0.5,
            2.5, 12, 8, 1.5,
            2.0, 0.3, 1.2, 6,
            2.5, 160, 120);
}
