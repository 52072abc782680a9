package io.twinloop.ops.closedloop.tuning;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

import java.util.SplittableRandom;

/**
 * Spatial tuning from responses to flashing dots on a grid of positions. Positions are in fractions of the
 * monitor's width on both axes (x right, y down), so distances and the covariance are isotropic on the screen.
 *
 * <p>STA: with every dot the same polarity, the spike-triggered average reduces on the grid to the mean evoked
 * response per position, {@code sta[i][j] = mean over presentations at (i, j) of (response - response to gray)}
 * (the dot's sign dropped: an off-dot STA counts positive where off dots excite).
 *
 * <p>SSI: the STA's positive part as a distribution over positions, w = max(sta, 0) / sum max(sta, 0); its
 * covariance C = sum w (p - m)(p - m)^T with m = sum w p; SSI = -ln det C. Larger is more concentrated; an
 * isotropic Gaussian of standard deviation s gives -ln s^4 (s = 0.05 of the width: 12.0).
 *
 * <p>Spatially tuned: the STA's peak after a 3 x 3 neighbourhood mean (neighbours that exist), against the same
 * statistic with the presentations' responses permuted over positions (the null of no spatial structure); z =
 * (peak - mean of the permuted peaks) / their standard deviation, tuned when z > 5. Smoothing is what makes the
 * test see a receptive field rather than one large value: a permutation keeps the largest value but scatters its
 * neighbours.
 *
 * <p>Preferred location: centre of a 2D Gaussian b + A exp(-q/2) with q the Mahalanobis distance under a full
 * covariance (sigma_x, sigma_y, correlation rho), fitted by Levenberg-Marquardt from the smoothed peak.
 */
public final class SpatialTuning {

    /** z above which a unit's STA peak stands out of the permutation null. */
    public static final double TUNED_Z = 5;

    private final int rows;
    private final int columns;
    private final double[] x;
    private final double[] y;

    /**
     * @param x per column, the dot centre in fractions of the monitor width
     * @param y per row, the dot centre in fractions of the monitor width (downwards)
     */
    public SpatialTuning(double[] x, double[] y) {
        this.columns = x.length;
        this.rows = y.length;
        this.x = x.clone();
        this.y = y.clone();
    }

    /** The measures of one unit: SSI, shuffle z, tuned, fitted centre and width (fractions of the width). */
    public record Result(double ssi, double z, boolean tuned, double centreX, double centreY, double sigmaX,
                         double sigmaY, double fitRms) {
    }

    /**
     * @param evoked   per presentation, the evoked response
     * @param position per presentation, its grid index {@code row * columns + column}
     * @return the STA, [rows * columns], row-major
     */
    public double[] sta(double[] evoked, int[] position) {
        double[] sum = new double[rows * columns];
        int[] count = new int[rows * columns];
        for (int k = 0; k < evoked.length; k++) {
            sum[position[k]] += evoked[k];
            count[position[k]]++;
        }
        for (int p = 0; p < sum.length; p++) {
            sum[p] = count[p] > 0 ? sum[p] / count[p] : 0;
        }
        return sum;
    }

    /**
     * @param evoked       per presentation, the evoked response
     * @param position     per presentation, its grid index {@code row * columns + column}
     * @param permutations permutations for the null
     * @param seed         of the permutations
     */
    public Result analyse(double[] evoked, int[] position, int permutations, long seed) {
        double[] sta = sta(evoked, position);
        double peak = max(smoothed(sta));
        SplittableRandom random = new SplittableRandom(seed);
        double[] shuffled = evoked.clone();
        double sum = 0;
        double squares = 0;
        for (int s = 0; s < permutations; s++) {
            for (int i = shuffled.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                double t = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = t;
            }
            double nullPeak = max(smoothed(sta(shuffled, position)));
            sum += nullPeak;
            squares += nullPeak * nullPeak;
        }
        double mean = sum / permutations;
        double sd = Math.sqrt(Math.max(squares / permutations - mean * mean, 0));
        double z = sd > 0 ? (peak - mean) / sd : (peak > mean ? Double.POSITIVE_INFINITY : 0);
        double[] gaussian = fitGaussian(sta);
        return new Result(ssi(sta), z, z > TUNED_Z, gaussian[0], gaussian[1], gaussian[2], gaussian[3], gaussian[4]);
    }

    /** @return -ln det of the covariance of the STA's positive part over positions; NaN if nothing is positive */
    public double ssi(double[] sta) {
        double total = 0;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                double w = Math.max(sta[i * columns + j], 0);
                total += w;
                mx += w * x[j];
                my += w * y[i];
            }
        }
        if (!(total > 0)) {
            return Double.NaN;
        }
        mx /= total;
        my /= total;
        double cxx = 0;
        double cyy = 0;
        double cxy = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                double w = Math.max(sta[i * columns + j], 0) / total;
                cxx += w * (x[j] - mx) * (x[j] - mx);
                cyy += w * (y[i] - my) * (y[i] - my);
                cxy += w * (x[j] - mx) * (y[i] - my);
            }
        }
        double det = cxx * cyy - cxy * cxy;
        return det > 0 ? -Math.log(det) : Double.POSITIVE_INFINITY;
    }

    /** @return the map averaged over each position's 3 x 3 neighbourhood (those inside the grid) */
    double[] smoothed(double[] map) {
        double[] out = new double[map.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                double sum = 0;
                int n = 0;
                for (int di = -1; di <= 1; di++) {
                    for (int dj = -1; dj <= 1; dj++) {
                        int r = i + di;
                        int c = j + dj;
                        if (r >= 0 && r < rows && c >= 0 && c < columns) {
                            sum += map[r * columns + c];
                            n++;
                        }
                    }
                }
                out[i * columns + j] = sum / n;
            }
        }
        return out;
    }

    private static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** @return {centre x, centre y, sigma x, sigma y, rms of the residual}; NaN centre if the fit fails */
    public double[] fitGaussian(double[] sta) {
        double[] smooth = smoothed(sta);
        int peak = 0;
        double min = Double.POSITIVE_INFINITY;
        for (int p = 0; p < smooth.length; p++) {
            if (smooth[p] > smooth[peak]) {
                peak = p;
            }
            min = Math.min(min, sta[p]);
        }
        double max = max(sta);
        if (!(max > min)) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        }
        double step = x.length > 1 ? x[1] - x[0] : 0.05;
        double[] start = {min, max - min, x[peak % columns], y[peak / columns], Math.log(2 * step),
                Math.log(2 * step), 0};
        try {
            LeastSquaresOptimizer.Optimum optimum = new LevenbergMarquardtOptimizer().optimize(
                    new LeastSquaresBuilder().model(gaussianModel()).target(sta).start(start)
                            .maxEvaluations(2000).maxIterations(2000).build());
            double[] p = optimum.getPoint().toArray();
            boolean inside = p[2] >= x[0] - step && p[2] <= x[columns - 1] + step
                    && p[3] >= y[0] - step && p[3] <= y[rows - 1] + step && p[1] > 0;
            if (!inside) {
                return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, optimum.getRMS()};
            }
            return new double[] {p[2], p[3], Math.exp(p[4]), Math.exp(p[5]), optimum.getRMS()};
        } catch (RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        }
    }

    /** b + A exp(-q / 2); params {b, A, mx, my, ln sx, ln sy, atanh-free rho = tanh(r)}. */
    private MultivariateJacobianFunction gaussianModel() {
        return params -> {
            double b = params.getEntry(0);
            double a = params.getEntry(1);
            double mx = params.getEntry(2);
            double my = params.getEntry(3);
            double sx = Math.exp(params.getEntry(4));
            double sy = Math.exp(params.getEntry(5));
            double rho = Math.tanh(params.getEntry(6));
            double oneMinus = 1 - rho * rho;
            double[] value = new double[rows * columns];
            double[][] jacobian = new double[rows * columns][7];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < columns; j++) {
                    double u = (x[j] - mx) / sx;
                    double v = (y[i] - my) / sy;
                    double q = (u * u - 2 * rho * u * v + v * v) / oneMinus;
                    double e = Math.exp(-q / 2);
                    int p = i * columns + j;
                    value[p] = b + a * e;
                    // dq/du, dq/dv, dq/drho
                    double dqdu = (2 * u - 2 * rho * v) / oneMinus;
                    double dqdv = (2 * v - 2 * rho * u) / oneMinus;
                    double dqdrho = (-2 * u * v) / oneMinus + q * 2 * rho / oneMinus;
                    double g = -a * e / 2;
                    jacobian[p][0] = 1;
                    jacobian[p][1] = e;
                    jacobian[p][2] = g * dqdu * (-1 / sx);
                    jacobian[p][3] = g * dqdv * (-1 / sy);
                    jacobian[p][4] = g * dqdu * (-u);
                    jacobian[p][5] = g * dqdv * (-v);
                    jacobian[p][6] = g * dqdrho * oneMinus;
                }
            }
            return new Pair<RealVector, RealMatrix>(new ArrayRealVector(value, false),
                    new Array2DRowRealMatrix(jacobian, false));
        };
    }
}
