/**
 * Validation of the twin against recordings: per-neuron scores (CC_max, CC_abs, CC_norm as fnn/evaluate,
 * Sensorium's single-trial and to-average correlations) and the report of a replay (docs/validation.md).
 */
package io.twinloop.ops.validation;
