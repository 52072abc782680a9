package io.twinloop.simulator.rig;

import io.twinloop.proto.v1.PixelFormat;

/**
 * How the simulated rig publishes: pacing, pixel format, behaviour sample rates and the jitter of
 * timestamps and publication. All times in microseconds.
 *
 * @param pacing                     real time, or as fast as possible
 * @param pixelFormat                GRAY8 (1 byte per pixel) or GRAY_F32
 * @param eyeRateHz                  eye camera rate (~20 Hz)
 * @param treadmillRateHz            treadmill encoder rate (~100 Hz)
 * @param framePublishJitterMicros   a frame is published up to this long after its display time
 * @param telemetryPublishJitterMicros a sample is published up to this long after its timestamp
 * @param eyeTimestampJitterMicros   camera exposures wobble by up to +- this around their nominal grid
 * @param treadmillTimestampJitterMicros the same for treadmill readings
 * @param prerollMicros              telemetry starts this long before frame 0, so frame 0 can be aligned
 * @param sessionStaggerMicros       sessions start at random offsets in [0, this) (spreads the load)
 * @param rigEpochMicros             rig clock at the run's start; negative: the wall clock then
 * @param seed                       seeds jitter and staggering
 */
public record RigConfig(Pacing pacing, PixelFormat pixelFormat, double eyeRateHz, double treadmillRateHz,
                        long framePublishJitterMicros, long telemetryPublishJitterMicros,
                        long eyeTimestampJitterMicros, long treadmillTimestampJitterMicros,
                        long prerollMicros, long sessionStaggerMicros, long rigEpochMicros, long seed) {

    public RigConfig {
        if (pixelFormat != PixelFormat.GRAY8 && pixelFormat != PixelFormat.GRAY_F32) {
            throw new IllegalArgumentException("pixel format must be GRAY8 or GRAY_F32, got " + pixelFormat);
        }
        if (!(eyeRateHz > 0) || !(treadmillRateHz > 0) || prerollMicros < 0 || sessionStaggerMicros < 0
                || framePublishJitterMicros < 0 || telemetryPublishJitterMicros < 0
                || eyeTimestampJitterMicros < 0 || treadmillTimestampJitterMicros < 0) {
            throw new IllegalArgumentException("invalid rig config " + this);
        }
    }

    /** A rig in real time: GRAY8 frames, eye 20 Hz, treadmill 100 Hz, publication 0-2 ms late. */
    public static RigConfig realTime() {
        return new RigConfig(Pacing.REAL_TIME, PixelFormat.GRAY8, 20, 100, 2_000, 2_000, 1_000, 200,
                100_000, 33_333, -1, 1);
    }

    /** The same schedule without sleeping. */
    public static RigConfig asFastAsPossible() {
        return realTime().withPacing(Pacing.AS_FAST_AS_POSSIBLE);
    }

    public RigConfig withPacing(Pacing value) {
        return new RigConfig(value, pixelFormat, eyeRateHz, treadmillRateHz, framePublishJitterMicros,
                telemetryPublishJitterMicros, eyeTimestampJitterMicros, treadmillTimestampJitterMicros,
                prerollMicros, sessionStaggerMicros, rigEpochMicros, seed);
    }

    public RigConfig withPixelFormat(PixelFormat value) {
        return new RigConfig(pacing, value, eyeRateHz, treadmillRateHz, framePublishJitterMicros,
                telemetryPublishJitterMicros, eyeTimestampJitterMicros, treadmillTimestampJitterMicros,
                prerollMicros, sessionStaggerMicros, rigEpochMicros, seed);
    }

    /** A fixed rig clock origin: with it, two runs give identical timestamps. */
    public RigConfig withRigEpochMicros(long value) {
        return new RigConfig(pacing, pixelFormat, eyeRateHz, treadmillRateHz, framePublishJitterMicros,
                telemetryPublishJitterMicros, eyeTimestampJitterMicros, treadmillTimestampJitterMicros,
                prerollMicros, sessionStaggerMicros, value, seed);
    }

    public RigConfig withSeed(long value) {
        return new RigConfig(pacing, pixelFormat, eyeRateHz, treadmillRateHz, framePublishJitterMicros,
                telemetryPublishJitterMicros, eyeTimestampJitterMicros, treadmillTimestampJitterMicros,
                prerollMicros, sessionStaggerMicros, rigEpochMicros, value);
    }

    /** No jitter anywhere: every record exactly on its grid (useful for exact expectations). */
    public RigConfig withoutJitter() {
        return new RigConfig(pacing, pixelFormat, eyeRateHz, treadmillRateHz, 0, 0, 0, 0,
                prerollMicros, 0, rigEpochMicros, seed);
    }
}
