package io.twinloop.simulator.recording;

/**
 * Stimulus clips by domain: frame {@code t} of clip {@code clip} of a domain must be a pure function of the
 * three, so that a repeated clip shows identical frames. The stimulus domains of
 * {@code io.twinloop.simulator.stimuli} plug in through an adapter.
 */
@FunctionalInterface
public interface ClipSource {

    /** Writes the frame as gray8, row-major, into {@code gray8Out} (height * width of the recording). */
    void render(String domain, long clip, int frame, byte[] gray8Out);
}
