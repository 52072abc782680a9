package io.twinloop.simulator.mouse;

/**
 * The mouse's behaviour at the time of one frame.
 *
 * @param pupilX       pupil centre, camera pixels
 * @param pupilY       pupil centre, camera pixels
 * @param pupilRadius  camera pixels
 * @param runningSpeed treadmill speed, cm/s
 */
public record BehaviourAtFrame(double pupilX, double pupilY, double pupilRadius, double runningSpeed) {
}
