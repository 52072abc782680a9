/**
 * A synthetic mouse with known ground truth: model V1 neurons (Gabor receptive fields that move with the eye,
 * motion energy, simple and complex cells, gain by running and pupil) seen through calcium imaging, so that a
 * twin's predictions can be scored against a noise ceiling that is known exactly.
 */
package io.twinloop.simulator.mouse;
