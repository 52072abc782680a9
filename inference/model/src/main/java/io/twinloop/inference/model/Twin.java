package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Optional;

/**
 * A digital twin that can be stepped frame by frame for a batch of sessions: what the serving side
 * ({@code session/BatchedSessionStepper}) needs of a model, and nothing about how it computes.
 *
 * <p>fnn's network implements it through {@code network.FnnTwin}; a TorchScript twin implements the same
 * contract ({@code forward(frame, perspective, modulation, state) -> (rates, state)} and
 * {@code initial_state(batch)}). Every twin's recurrent state is a {@link NetworkState}: named tensors,
 * session first, which the caller may concatenate and split by session and serialise.
 */
public interface Twin {

    /** @return number of units U the twin predicts */
    int units();

    /** @return size P of the perspective input (pupil centre x, y for fnn) */
    int perspectives();

    /** @return size M of the modulation input (pupil radius, treadmill velocity for fnn) */
    int modulations();

    /**
     * @return the frame size the twin needs, or empty if it takes frames of any size (fnn resamples every
     *         frame onto its retina)
     */
    Optional<FrameSize> frameSize();

    /**
     * @return true if gradients reach the inputs and parameters when {@link #step} runs with grad mode on
     *         (needed by training and stimulus optimisation); serving steps in no-grad mode either way
     */
    boolean differentiable();

    /** @return the manager that owns the twin's parameters (and decides their device) */
    NDManager manager();

    /**
     * The state of sessions that have seen no frame yet.
     *
     * @param sessions N
     * @param manager  owns the new tensors
     * @return a state whose tensors are all [N, ...]
     */
    NetworkState initialState(int sessions, NDManager manager);

    /**
     * Steps N sessions by one frame. {@code state} is left as it was (its tensors may be reused by the
     * returned state); its tensors must be those of {@link #initialState} or of an earlier step, each [N, ...].
     *
     * @param frames      [N, 1, H, W] grayscale pixel intensities in [0, 1]
     * @param perspective [N, P] standardised
     * @param modulation  [N, M] standardised
     * @param state       the sessions' recurrent state, [N, ...] per tensor
     * @return rates [N, U] and the next state
     */
    Step step(NDArray frames, NDArray perspective, NDArray modulation, NetworkState state);

    /**
     * @param rates [N, U] predicted responses
     * @param state the state after this frame, [N, ...] per tensor
     */
    record Step(NDArray rates, NetworkState state) {
    }

    /** A frame size in pixels. */
    record FrameSize(int height, int width) {
    }
}
