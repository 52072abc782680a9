package io.twinloop.stream.align;

import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.Standardisation;
import java.util.Optional;

/**
 * Where frames meet behaviour: the value of pupil x, y, radius and treadmill velocity at a frame's
 * rig time, standardised with the session's statistics.
 *
 * <p>The rule: a frame at time t is <em>ready</em> when both the eye and the treadmill buffer hold a
 * sample at or after t; each signal is then linearly interpolated between the samples that bracket
 * t. Until then the frame waits, unless its wait has expired: then whatever is there is used, the
 * latest value held (zero-order) where no bracket exists, and the frame is marked held. A signal
 * with no sample at all reads as its mean (0 after standardisation), also marked held.
 */
public final class TelemetryAligner {
    private final Standardisation pupilX;
    private final Standardisation pupilY;
    private final Standardisation pupilRadius;
    private final Standardisation treadmillVelocity;

    public TelemetryAligner(SessionStart session) {
        this.pupilX = session.getPupilX();
        this.pupilY = session.getPupilY();
        this.pupilRadius = session.getPupilRadius();
        this.treadmillVelocity = session.getTreadmillVelocity();
    }

    /** True when both signals have a sample at or after {@code frameTimeUs}: no reason to wait. */
    public static boolean ready(long frameTimeUs, TelemetryBuffers buffers) {
        return buffers.eye().covers(frameTimeUs) && buffers.treadmill().covers(frameTimeUs);
    }

    /**
     * The behaviour at {@code frameTimeUs}, or empty while the frame should still wait.
     *
     * @param waitExpired the frame waited as long as it may (always true with maxWait = 0)
     */
    public Optional<AlignedBehaviour> align(long frameTimeUs, TelemetryBuffers buffers, boolean waitExpired) {
        if (!waitExpired && !ready(frameTimeUs, buffers)) {
            return Optional.empty();
        }
        SampleBuffer.Reading eye = read(buffers.eye(), frameTimeUs, pupilX, pupilY, pupilRadius);
        SampleBuffer.Reading treadmill = read(buffers.treadmill(), frameTimeUs, treadmillVelocity);
        return Optional.of(new AlignedBehaviour(
                standardise(eye.values()[0], pupilX),
                standardise(eye.values()[1], pupilY),
                standardise(eye.values()[2], pupilRadius),
                standardise(treadmill.values()[0], treadmillVelocity),
                eye.held() || treadmill.held()));
    }

    /** The signal at the frame's time; its means, held, when there is no sample yet. */
    private static SampleBuffer.Reading read(SampleBuffer buffer, long frameTimeUs, Standardisation... stats) {
        if (!buffer.isEmpty()) {
            return buffer.at(frameTimeUs);
        }
        double[] means = new double[stats.length];
        for (int i = 0; i < stats.length; i++) {
            means[i] = stats[i].getMean();
        }
        return new SampleBuffer.Reading(means, true);
    }

    private static float standardise(double raw, Standardisation stats) {
        return (float) ((raw - stats.getMean()) / stats.getStd());
    }
}
