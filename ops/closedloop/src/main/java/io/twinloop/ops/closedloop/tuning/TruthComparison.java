package io.twinloop.ops.closedloop.tuning;

import io.twinloop.simulator.mouse.BehaviourAtFrame;
import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.simulator.mouse.NeuronTuning;

import java.util.Arrays;
import java.util.List;

/**
 * Measured tuning against a synthetic mouse's truth. The true location is the receptive field's centre on the
 * screen with the eye where the measurement held it: centre + (screen pixels per pupil pixel) x (held pupil -
 * reference pupil), in fractions of the monitor width. Orientation errors lie in [0, 90] degrees, direction
 * errors in [0, 180]; only units above the selectivity threshold (orientation: OSI, direction: DSI) or spatially
 * tuned (location) enter the medians.
 */
public final class TruthComparison {

    /** Selectivity above which a unit's preferred orientation or direction is scored (the paper's 0.3). */
    public static final double SELECTIVE = 0.3;

    private TruthComparison() {
    }

    /** Per unit, the errors (NaN where the unit is not scored for that measure). */
    public record Errors(double orientationDeg, double directionDeg, double location) {
    }

    /** The medians over scored units, and how many units each has. */
    public record Summary(int units, int orientationUnits, double medianOrientationErrorDeg, int directionUnits,
                          double medianDirectionErrorDeg, int spatiallyTuned, double medianLocationError) {
        public double fractionSpatiallyTuned() {
            return units == 0 ? Double.NaN : (double) spatiallyTuned / units;
        }
    }

    /** @return {x, y} of the true receptive-field centre seen with the held eye, fractions of the width */
    public static double[] trueLocation(NeuronTuning truth, MouseConfig config, BehaviourAtFrame held) {
        double k = config.screenPixelsPerPupilPixel();
        double x = truth.centreX() + k * (held.pupilX() - config.pupilReferenceX());
        double y = truth.centreY() + k * (held.pupilY() - config.pupilReferenceY());
        return new double[] {x / config.screenWidth(), y / config.screenWidth()};
    }

    public static Errors errors(UnitTuning measured, NeuronTuning truth, MouseConfig config, BehaviourAtFrame held) {
        double orientation = measured.osi() > SELECTIVE
                ? DirectionTuning.angularError(measured.orientationDeg(), truth.orientationDegrees(), 180) : Double.NaN;
        double direction = measured.dsi() > SELECTIVE
                ? DirectionTuning.angularError(measured.directionDeg(), truth.directionDegrees(), 360) : Double.NaN;
        double[] where = trueLocation(truth, config, held);
        double location = measured.spatiallyTuned()
                ? Math.hypot(measured.x() - where[0], measured.y() - where[1]) : Double.NaN;
        return new Errors(orientation, direction, location);
    }

    public static Summary summarise(List<UnitTuning> measured, List<NeuronTuning> truth, MouseConfig config,
                                    BehaviourAtFrame held) {
        int n = measured.size();
        double[] orientation = new double[n];
        double[] direction = new double[n];
        double[] location = new double[n];
        int tuned = 0;
        for (int u = 0; u < n; u++) {
            Errors e = errors(measured.get(u), truth.get(u), config, held);
            orientation[u] = e.orientationDeg();
            direction[u] = e.directionDeg();
            location[u] = e.location();
            tuned += measured.get(u).spatiallyTuned() ? 1 : 0;
        }
        return new Summary(n, finite(orientation).length, median(orientation), finite(direction).length,
                median(direction), tuned, median(location));
    }

    private static double[] finite(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).toArray();
    }

    /** @return the median of the finite values, NaN if none */
    public static double median(double[] values) {
        double[] f = finite(values);
        if (f.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(f);
        return f.length % 2 == 1 ? f[f.length / 2] : (f[f.length / 2 - 1] + f[f.length / 2]) / 2;
    }
}
