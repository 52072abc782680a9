/**
 * Sessions over the model: {@link io.twinloop.inference.session.SessionStepper} (the seam the
 * streaming worker calls), {@link io.twinloop.inference.session.BatchedSessionStepper} (one batched
 * forward pass for the sessions ready at once, each session's state kept between frames) and
 * {@link io.twinloop.inference.session.OfflinePredictor} (whole recordings from a fresh state).
 */
package io.twinloop.inference.session;
