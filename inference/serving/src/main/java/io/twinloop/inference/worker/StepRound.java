package io.twinloop.inference.worker;

import io.twinloop.proto.v1.ModelInput;

import java.util.List;

/**
 * One step of the model: at most one frame per session, all stepped as one batch.
 *
 * @param lifecycle start/stop events to apply before the step, in their order
 * @param frames    the frames to step together, each of a different session
 */
record StepRound(List<ModelInput> lifecycle, List<ModelInput> frames) {
}
