package io.twinloop.inference.session;

import java.util.List;

/**
 * Steps the twin for many sessions at once, keeping each session's recurrent state between frames.
 *
 * <p>This is the seam between the streaming side (which knows sessions and frames) and the model
 * (which knows tensors). Implementations batch the given sessions into one forward pass where they
 * can and must give every session exactly the output it would get if stepped alone.
 */
public interface SessionStepper extends AutoCloseable {

    /** One frame of one session, already aligned and standardised. */
    record FrameInput(
            String sessionId,
            /** grayscale pixels in [0, 1], row-major [height, width] */
            float[] pixels,
            int height,
            int width,
            /** standardised pupil centre x, y: the model's perspective input [P = 2] */
            float[] perspective,
            /** standardised pupil radius, treadmill velocity: the model's modulation input [M = 2] */
            float[] modulation) {
    }

    /** Opens a session with a fresh state (a no-op reset if it is already open). */
    void open(String sessionId);

    /**
     * Opens {@code child} with a copy of {@code parent}'s current state (a fork: a virtual session that continues
     * from where a live one is), replacing any state {@code child} had. The two evolve apart from then on.
     *
     * @throws IllegalArgumentException when the parent is not open
     * @throws UnsupportedOperationException when this stepper cannot copy a session's state
     */
    default void fork(String parent, String child) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot fork sessions");
    }

    /** Resets an open session to a fresh state. */
    void reset(String sessionId);

    /** Frees a session's state. Unknown ids are ignored. */
    void close(String sessionId);

    boolean isOpen(String sessionId);

    /** @return number of units U the model predicts */
    int units();

    /**
     * Steps each given session by one frame. At most one frame per session; sessions must be open.
     *
     * @return the predicted responses, one [U] array per input, in input order
     */
    List<float[]> step(List<FrameInput> frames);

    @Override
    void close();
}
