package io.twinloop.ops.closedloop;

import java.util.List;

/**
 * A twin seen only through its outputs: clips in, responses out. Every clip starts from the twin's fresh state
 * (for an animal: after a gray-screen gap) with the behaviour the implementation holds fixed. The closed-loop
 * analyses (in-silico tuning, gradient-free MEIs) need nothing else, so the ground-truth synthetic mouse, the
 * network and a TorchScript twin plug in alike. A whole list is one batch: implementations may step its clips
 * together.
 */
@FunctionalInterface
public interface ClipResponder {

    /**
     * @param clips per clip, [T][height * width] luminance in [0, 1], row-major frames; clips may differ in T
     * @return per clip, [T][units] responses, frame by frame
     */
    float[][][] respond(List<float[][]> clips);
}
