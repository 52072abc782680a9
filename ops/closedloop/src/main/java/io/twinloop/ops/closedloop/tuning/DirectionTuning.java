package io.twinloop.ops.closedloop.tuning;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * Orientation and direction tuning from a direction tuning curve sampled at n equally spaced directions
 * (theta_k = 2 pi k / n; 0 rightwards, counter-clockwise): the selectivity indices from its Fourier components
 * and the preferred direction from a two-peak von Mises fit (Wang et al. 2025, Methods).
 *
 * <p>Indices, with r_k the evoked response clipped at zero (r_k = max(response - response to gray, 0)):
 * OSI = |sum_k r_k e^{2 i theta_k}| / sum_k r_k (second Fourier component), DSI = |sum_k r_k e^{i theta_k}| /
 * sum_k r_k (first). Both lie in [0, 1]; a flat curve gives 0.
 *
 * <p>Fit: f(theta) = b + a1 exp(kappa (cos(theta - mu) - 1)) + a2 exp(kappa (cos(theta - mu - pi) - 1)), two
 * peaks of one width pi apart, by Levenberg-Marquardt (Apache Commons Math) on the unclipped curve from two
 * starts (mu at the second component's phase and pi from it). The larger peak's angle is the preferred
 * direction; the preferred orientation is it modulo 180 degrees (the axis of drift).
 */
public final class DirectionTuning {

    private DirectionTuning() {
    }

    /** The fitted two-peak von Mises: preferred direction and orientation in degrees, and its parameters. */
    public record Fit(double preferredDirectionDeg, double preferredOrientationDeg, double baseline,
                      double preferredAmplitude, double nullAmplitude, double kappa, double rms) {
    }

    /** @return {OSI, DSI} of the curve, NaN when no direction evokes a response */
    public static double[] selectivity(double[] curve) {
        int n = curve.length;
        double sum = 0;
        double re1 = 0;
        double im1 = 0;
        double re2 = 0;
        double im2 = 0;
        for (int k = 0; k < n; k++) {
            double r = Math.max(curve[k], 0);
            double theta = 2 * Math.PI * k / n;
            sum += r;
            re1 += r * Math.cos(theta);
            im1 += r * Math.sin(theta);
            re2 += r * Math.cos(2 * theta);
            im2 += r * Math.sin(2 * theta);
        }
        if (!(sum > 0)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return new double[] {Math.hypot(re2, im2) / sum, Math.hypot(re1, im1) / sum};
    }

    /** Fits the two-peak von Mises to the curve (NaN fields when the curve is flat or the fit fails). */
    public static Fit fit(double[] curve) {
        int n = curve.length;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double re1 = 0;
        double im1 = 0;
        double re2 = 0;
        double im2 = 0;
        for (int k = 0; k < n; k++) {
            double theta = 2 * Math.PI * k / n;
            min = Math.min(min, curve[k]);
            max = Math.max(max, curve[k]);
            re1 += curve[k] * Math.cos(theta);
            im1 += curve[k] * Math.sin(theta);
            re2 += curve[k] * Math.cos(2 * theta);
            im2 += curve[k] * Math.sin(2 * theta);
        }
        if (!(max > min)) {
            return new Fit(Double.NaN, Double.NaN, min, 0, 0, Double.NaN, 0);
        }
        double axis = Math.atan2(im2, re2) / 2;
        // the start whose peak lies on the side the first component points to goes first
        double first = Math.cos(axis - Math.atan2(im1, re1)) >= 0 ? axis : axis + Math.PI;
        double[] best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (double mu : new double[] {first, first + Math.PI}) {
            double range = max - min;
            double[] start = {min, range, 0.5 * range, Math.log(2), mu};
            try {
                LeastSquaresOptimizer.Optimum optimum = new LevenbergMarquardtOptimizer().optimize(
                        new LeastSquaresBuilder().model(model(n)).target(curve).start(start)
                                .maxEvaluations(2000).maxIterations(2000).build());
                if (optimum.getCost() < bestCost) {
                    bestCost = optimum.getCost();
                    best = optimum.getPoint().toArray();
                }
            } catch (RuntimeException e) {
                // a start that does not converge leaves the other
            }
        }
        if (best == null) {
            return new Fit(Double.NaN, Double.NaN, min, 0, 0, Double.NaN, Double.NaN);
        }
        double mu = best[4];
        double a1 = best[1];
        double a2 = best[2];
        if (a2 > a1) {
            mu += Math.PI;
            double swap = a1;
            a1 = a2;
            a2 = swap;
        }
        double direction = wrap(Math.toDegrees(mu), 360);
        return new Fit(direction, wrap(direction, 180), best[0], a1, a2, Math.exp(best[3]),
                bestCost / Math.sqrt(n));
    }

    /** The model at the n directions and its Jacobian; params {b, a1, a2, log kappa, mu}. */
    private static MultivariateJacobianFunction model(int n) {
        return params -> {
            double b = params.getEntry(0);
            double a1 = params.getEntry(1);
            double a2 = params.getEntry(2);
            double kappa = Math.exp(params.getEntry(3));
            double mu = params.getEntry(4);
            double[] value = new double[n];
            double[][] jacobian = new double[n][5];
            for (int k = 0; k < n; k++) {
                double d = 2 * Math.PI * k / n - mu;
                double c = Math.cos(d);
                double s = Math.sin(d);
                // cos(d - pi) = -cos d, sin(d - pi) = -sin d
                double e1 = Math.exp(kappa * (c - 1));
                double e2 = Math.exp(kappa * (-c - 1));
                value[k] = b + a1 * e1 + a2 * e2;
                jacobian[k][0] = 1;
                jacobian[k][1] = e1;
                jacobian[k][2] = e2;
                jacobian[k][3] = kappa * (a1 * e1 * (c - 1) + a2 * e2 * (-c - 1));
                jacobian[k][4] = kappa * (a1 * e1 * s - a2 * e2 * s);
            }
            return new Pair<RealVector, org.apache.commons.math3.linear.RealMatrix>(
                    new ArrayRealVector(value, false), new Array2DRowRealMatrix(jacobian, false));
        };
    }

    /** @return angle modulo period, in [0, period) */
    public static double wrap(double angle, double period) {
        double r = angle % period;
        return r < 0 ? r + period : r;
    }

    /** @return the smallest absolute difference of two angles on a circle of the given period, in [0, period / 2] */
    public static double angularError(double a, double b, double period) {
        double d = wrap(a - b, period);
        return Math.min(d, period - d);
    }
}
