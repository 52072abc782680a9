package io.twinloop.simulator.behaviour;

/**
 * What the rig's cameras and treadmill would read at one moment.
 *
 * @param pupilX      pupil centre, camera pixels
 * @param pupilY      pupil centre, camera pixels
 * @param pupilRadius camera pixels
 * @param velocity    treadmill speed, cm/s
 * @param running     whether the mouse is in a running bout (ground truth, not on the wire)
 * @param arousal     latent arousal in [0, 1] that drives the pupil (ground truth)
 * @param saccades    saccades made since the start (ground truth)
 */
public record BehaviourState(double pupilX, double pupilY, double pupilRadius, double velocity,
                             boolean running, double arousal, long saccades) {
}
