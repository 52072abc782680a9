package io.twinloop.simulator.recording;

import io.twinloop.simulator.mouse.BehaviourAtFrame;

/**
 * Behaviour resampled at each frame's time, the form Sensorium stores ({@code behavior}: pupil radius and
 * running speed; {@code pupil_center}: x and y).
 */
public record FrameBehaviour(float[] pupilX, float[] pupilY, float[] pupilRadius, float[] runningSpeed) {

    public static FrameBehaviour sample(TrialBehaviour behaviour, int frames, double frameRateHz) {
        float[] x = new float[frames];
        float[] y = new float[frames];
        float[] radius = new float[frames];
        float[] speed = new float[frames];
        for (int t = 0; t < frames; t++) {
            BehaviourAtFrame b = behaviour.at(t / frameRateHz);
            x[t] = (float) b.pupilX();
            y[t] = (float) b.pupilY();
            radius[t] = (float) b.pupilRadius();
            speed[t] = (float) b.runningSpeed();
        }
        return new FrameBehaviour(x, y, radius, speed);
    }

    public BehaviourAtFrame at(int frame) {
        return new BehaviourAtFrame(pupilX[frame], pupilY[frame], pupilRadius[frame], runningSpeed[frame]);
    }

    /** @return Sensorium's {@code behavior} rows: pupil radius, running speed */
    public float[][] behaviorRows() {
        return new float[][] {pupilRadius, runningSpeed};
    }

    /** @return Sensorium's {@code pupil_center} rows: x, y */
    public float[][] pupilCenterRows() {
        return new float[][] {pupilX, pupilY};
    }
}
