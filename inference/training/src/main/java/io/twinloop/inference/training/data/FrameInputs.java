package io.twinloop.inference.training.data;

import ai.djl.ndarray.NDArray;

/**
 * What the model sees in one frame of a batch of N clips (fnn's {@code to_tensor} output).
 *
 * @param stimulus    [N, C, H, W] float32, pixels / 255
 * @param perspective [N, P] float32
 * @param modulation  [N, M] float32
 * @param group       the mouse the clips come from, in a cohort ("" for a single mouse)
 */
public record FrameInputs(NDArray stimulus, NDArray perspective, NDArray modulation, String group) {
}
