/**
 * The animal's behavioural state (fnn's {@code modulations.MlpLstm}): pupil radius and treadmill
 * velocity through a per-stream MLP and LSTM, whose h and c are part of the session's
 * {@link io.twinloop.inference.model.NetworkState}.
 */
package io.twinloop.inference.model.modulation;
