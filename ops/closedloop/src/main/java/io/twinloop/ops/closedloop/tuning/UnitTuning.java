package io.twinloop.ops.closedloop.tuning;

/**
 * One unit's tuning as measured (on a twin's predictions or on recorded responses). Angles in degrees (0
 * rightwards, 90 upwards); positions in fractions of the monitor width (x right, y down).
 *
 * @param osi                   orientation selectivity index (second Fourier component)
 * @param dsi                   direction selectivity index (first Fourier component)
 * @param directionDeg          preferred direction, two-peak von Mises fit
 * @param orientationDeg        preferred orientation (drift axis), the direction modulo 180
 * @param ssi                   spatial selectivity index, -ln det of the STA's covariance
 * @param z                     STA peak against the permutation null
 * @param spatiallyTuned        z above {@link SpatialTuning#TUNED_Z}
 * @param x                     preferred location, 2D Gaussian fit to the STA
 * @param y                     see x
 */
public record UnitTuning(double osi, double dsi, double directionDeg, double orientationDeg, double ssi, double z,
                         boolean spatiallyTuned, double x, double y) {
}
