package io.twinloop.simulator.recording;

import io.twinloop.simulator.mouse.BehaviourAtFrame;

/**
 * The behaviour of one trial as the rig samples it: eye tracking and treadmill at their own rates, times in
 * seconds from the trial's first frame. Values between samples are interpolated linearly, as the stream
 * aligns telemetry to frames; outside the samples the nearest one holds.
 *
 * @param eye       [K][4]: seconds, pupil x, pupil y, pupil radius (camera pixels), times increasing
 * @param treadmill [K][2]: seconds, velocity (cm/s), times increasing
 */
public record TrialBehaviour(double[][] eye, double[][] treadmill) {

    public TrialBehaviour {
        if (eye.length == 0 || treadmill.length == 0) {
            throw new IllegalArgumentException("a trial needs at least one eye and one treadmill sample");
        }
    }

    public BehaviourAtFrame at(double seconds) {
        return new BehaviourAtFrame(interpolate(eye, 1, seconds), interpolate(eye, 2, seconds),
                interpolate(eye, 3, seconds), interpolate(treadmill, 1, seconds));
    }

    private static double interpolate(double[][] samples, int column, double seconds) {
        if (seconds <= samples[0][0]) {
            return samples[0][column];
        }
        int last = samples.length - 1;
        if (seconds >= samples[last][0]) {
            return samples[last][column];
        }
        int lo = 0;
        int hi = last;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (samples[mid][0] <= seconds) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double w = (seconds - samples[lo][0]) / (samples[hi][0] - samples[lo][0]);
        return samples[lo][column] * (1 - w) + samples[hi][column] * w;
    }
}
