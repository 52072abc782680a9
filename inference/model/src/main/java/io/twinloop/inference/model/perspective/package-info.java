/**
 * What the eye sees (fnn's {@code perspectives.MlpMonitorRetina}): pupil centre to ocular rotation
 * ({@link io.twinloop.inference.model.perspective.Rotation}), retinal rays
 * ({@link io.twinloop.inference.model.perspective.AngularRetina}) intersected with the monitor plane
 * ({@link io.twinloop.inference.model.perspective.PlaneMonitor}), the frame sampled there
 * ({@link io.twinloop.inference.model.perspective.IsotropicSampler}) between the monitor's and the
 * retina's intensity transforms ({@link io.twinloop.inference.model.perspective.PixelIntensity}).
 */
package io.twinloop.inference.model.perspective;
