/**
 * Twins trained in PyTorch, served through a TorchScript step contract (docs/twins.md):
 * {@link io.twinloop.inference.torchscript.TorchScriptTwin} loads and validates a module and steps it on
 * batched state; {@link io.twinloop.inference.torchscript.TwinMetadata} is the JSON beside the file;
 * the twin implements the model's {@code Twin}, so the one session stepper
 * ({@code session.BatchedSessionStepper}) keeps each session's state and steps sessions together;
 * {@link io.twinloop.inference.torchscript.TorchScriptPredictor} runs arrays offline.
 *
 * <p>TorchScript files run native code that is not hardened against hostile input: serve trusted files only.
 */
package io.twinloop.inference.torchscript;
