package io.twinloop.ops.closedloop.mei;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * Separable CMA-ES (Ros and Hansen 2008: the covariance restricted to its diagonal, learning rates scaled up by
 * (n + 2) / 3), written after Hansen's tutorial "The CMA Evolution Strategy" (2016) in ask/tell form, so that a
 * caller evaluates a whole population as one batch. Maximises. Diagonal covariance costs O(n) per sample, which
 * is what makes hundreds of dimensions affordable. Not thread-safe.
 */
public final class SepCmaEs {

    private final int n;
    private final int lambda;
    private final int mu;
    private final double[] weights;
    private final double muEff;
    private final double cSigma;
    private final double dSigma;
    private final double cC;
    private final double c1;
    private final double cMu;
    private final double expectedNorm;
    private final SplittableRandom random;

    private final double[] mean;
    private final double[] diagonal;
    private final double[] pathSigma;
    private final double[] pathC;
    private double sigma;
    private int generation;
    private double[][] asked;
    private double[][] askedSteps;
    private double[] best;
    private double bestFitness = Double.NEGATIVE_INFINITY;

    /**
     * @param start  initial mean
     * @param sigma  initial step size
     * @param lambda population size; 0 for the default 4 + floor(3 ln n)
     * @param seed   of the samples
     */
    public SepCmaEs(double[] start, double sigma, int lambda, long seed) {
        this.n = start.length;
        this.lambda = lambda > 0 ? lambda : 4 + (int) Math.floor(3 * Math.log(n));
        this.mu = this.lambda / 2;
        this.weights = new double[mu];
        double sum = 0;
        for (int i = 0; i < mu; i++) {
            weights[i] = Math.log(mu + 0.5) - Math.log(i + 1);
            sum += weights[i];
        }
        double squares = 0;
        for (int i = 0; i < mu; i++) {
            weights[i] /= sum;
            squares += weights[i] * weights[i];
        }
        this.muEff = 1 / squares;
        this.cSigma = (muEff + 2) / (n + muEff + 5);
        this.dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
        this.cC = (4 + muEff / n) / (n + 4 + 2 * muEff / n);
        double separable = (n + 2) / 3.0;
        double rankOne = 2 / ((n + 1.3) * (n + 1.3) + muEff);
        double rankMu = Math.min(1 - rankOne, 2 * (muEff - 2 + 1 / muEff) / ((n + 2) * (n + 2) + muEff));
        this.c1 = Math.min(1, rankOne * separable);
        this.cMu = Math.min(1 - c1, rankMu * separable);
        this.expectedNorm = Math.sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
        this.random = new SplittableRandom(seed);
        this.mean = start.clone();
        this.diagonal = new double[n];
        Arrays.fill(diagonal, 1);
        this.pathSigma = new double[n];
        this.pathC = new double[n];
        this.sigma = sigma;
    }

    public int populationSize() {
        return lambda;
    }

    /** @return the next population, [lambda][n]; tell its fitnesses before asking again */
    public double[][] ask() {
        asked = new double[lambda][n];
        askedSteps = new double[lambda][n];
        for (int k = 0; k < lambda; k++) {
            for (int j = 0; j < n; j++) {
                double y = Math.sqrt(diagonal[j]) * random.nextGaussian();
                askedSteps[k][j] = y;
                asked[k][j] = mean[j] + sigma * y;
            }
        }
        double[][] copy = new double[lambda][];
        for (int k = 0; k < lambda; k++) {
            copy[k] = asked[k].clone();
        }
        return copy;
    }

    /** @param fitness per candidate of the last {@link #ask()}, larger is better */
    public void tell(double[] fitness) {
        if (asked == null || fitness.length != lambda) {
            throw new IllegalStateException("tell needs the fitness of every candidate of the last ask");
        }
        Integer[] order = new Integer[lambda];
        for (int k = 0; k < lambda; k++) {
            order[k] = k;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer k) -> fitness[k]).reversed());
        if (fitness[order[0]] > bestFitness) {
            bestFitness = fitness[order[0]];
            best = asked[order[0]].clone();
        }
        double[] stepW = new double[n];
        for (int i = 0; i < mu; i++) {
            double[] y = askedSteps[order[i]];
            for (int j = 0; j < n; j++) {
                stepW[j] += weights[i] * y[j];
            }
        }
        double normSigma = 0;
        double sigmaFactor = Math.sqrt(cSigma * (2 - cSigma) * muEff);
        for (int j = 0; j < n; j++) {
            mean[j] += sigma * stepW[j];
            // C^(-1/2) y_w for a diagonal C
            pathSigma[j] = (1 - cSigma) * pathSigma[j] + sigmaFactor * stepW[j] / Math.sqrt(diagonal[j]);
            normSigma += pathSigma[j] * pathSigma[j];
        }
        normSigma = Math.sqrt(normSigma);
        generation++;
        boolean hSigma = normSigma / Math.sqrt(1 - Math.pow(1 - cSigma, 2.0 * generation))
                < (1.4 + 2.0 / (n + 1)) * expectedNorm;
        double cFactor = Math.sqrt(cC * (2 - cC) * muEff);
        for (int j = 0; j < n; j++) {
            pathC[j] = (1 - cC) * pathC[j] + (hSigma ? cFactor * stepW[j] : 0);
            double rankMu = 0;
            for (int i = 0; i < mu; i++) {
                double y = askedSteps[order[i]][j];
                rankMu += weights[i] * y * y;
            }
            double correction = hSigma ? 0 : cC * (2 - cC) * diagonal[j];
            diagonal[j] = (1 - c1 - cMu) * diagonal[j] + c1 * (pathC[j] * pathC[j] + correction) + cMu * rankMu;
        }
        sigma *= Math.exp((cSigma / dSigma) * (normSigma / expectedNorm - 1));
        asked = null;
    }

    public double[] mean() {
        return mean.clone();
    }

    public double sigma() {
        return sigma;
    }

    /** @return the best candidate told so far (null before the first tell) */
    public double[] best() {
        return best == null ? null : best.clone();
    }

    public double bestFitness() {
        return bestFitness;
    }
}
