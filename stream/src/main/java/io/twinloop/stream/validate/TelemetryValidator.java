package io.twinloop.stream.validate;

import io.twinloop.proto.Limits;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.stream.deadletter.Rejection;
import java.util.Optional;

/**
 * A telemetry record must hold one sample with finite values. A non-finite sample is dropped as a
 * whole: interpolating through it would smear NaN into every neighbouring frame. So is one with a negative
 * time or a value beyond {@link Limits#MAX_ABS_BEHAVIOUR}, whose standardised value could overflow.
 */
public final class TelemetryValidator implements Validator<Telemetry> {
    @Override
    public Optional<Rejection> check(Telemetry telemetry) {
        return switch (telemetry.getSampleCase()) {
            case EYE -> finite("eye sample at " + telemetry.getEye().getTimestampUs() + " us",
                    telemetry.getEye().getTimestampUs(),
                    telemetry.getEye().getPupilX(), telemetry.getEye().getPupilY(), telemetry.getEye().getPupilRadius());
            case TREADMILL -> finite("treadmill sample at " + telemetry.getTreadmill().getTimestampUs() + " us",
                    telemetry.getTreadmill().getTimestampUs(), telemetry.getTreadmill().getVelocity());
            default -> Optional.of(Rejection.of(DeadLetterReason.UNDECODABLE, "neither eye nor treadmill sample"));
        };
    }

    private static Optional<Rejection> finite(String what, long timestampUs, float... values) {
        for (float value : values) {
            if (!Float.isFinite(value)) {
                return Optional.of(Rejection.of(DeadLetterReason.NON_FINITE_TELEMETRY, what + " has value " + value));
            }
        }
        if (timestampUs < 0) {
            return Optional.of(Rejection.of(DeadLetterReason.TELEMETRY_OUT_OF_RANGE, what + ": negative time"));
        }
        for (float value : values) {
            if (!Limits.behaviourFits(value)) {
                return Optional.of(Rejection.of(DeadLetterReason.TELEMETRY_OUT_OF_RANGE, what + " has value " + value
                        + ", beyond +-" + Limits.MAX_ABS_BEHAVIOUR));
            }
        }
        return Optional.empty();
    }
}
