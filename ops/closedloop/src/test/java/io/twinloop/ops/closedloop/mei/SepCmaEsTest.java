package io.twinloop.ops.closedloop.mei;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SepCmaEsTest {

    /** -sum_j 10^(6 j / (n - 1)) (x_j - 1)^2: separable, condition 1e6, maximum 0 at x = 1. */
    private static double ellipsoid(double[] x) {
        double f = 0;
        for (int j = 0; j < x.length; j++) {
            double d = x[j] - 1;
            f -= Math.pow(10, 6.0 * j / (x.length - 1)) * d * d;
        }
        return f;
    }

    @Test
    void learnsTheScalesOfASeparableIllConditionedProblem() {
        SepCmaEs es = new SepCmaEs(new double[20], 0.5, 0, 7);
        for (int g = 0; g < 1500 && es.bestFitness() < -1e-10; g++) {
            double[][] population = es.ask();
            double[] fitness = new double[population.length];
            for (int k = 0; k < population.length; k++) {
                fitness[k] = ellipsoid(population[k]);
            }
            es.tell(fitness);
        }
        // without adapting the diagonal (sigma alone) the ill-conditioning stalls progress around 1e-2
        assertTrue(es.bestFitness() > -1e-10, "best " + es.bestFitness());
    }

    @Test
    void tellWithoutAskIsRefused() {
        SepCmaEs es = new SepCmaEs(new double[3], 1, 0, 1);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> es.tell(new double[7]));
    }
}
