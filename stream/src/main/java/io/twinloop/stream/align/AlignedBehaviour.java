package io.twinloop.stream.align;

/**
 * Standardised behaviour at a frame's time, as the model takes it.
 *
 * @param held true when telemetry was late (or absent) and a value was held instead of interpolated
 */
public record AlignedBehaviour(float pupilX, float pupilY, float pupilRadius, float treadmillVelocity,
                               boolean held) {
    /**
     * The mean of every input (0 after standardisation), not held: what virtual sessions get, since
     * no mouse behaves behind a stimulus optimizer.
     */
    public static final AlignedBehaviour NEUTRAL = new AlignedBehaviour(0, 0, 0, 0, false);
}
