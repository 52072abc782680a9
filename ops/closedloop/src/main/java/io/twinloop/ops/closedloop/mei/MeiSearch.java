package io.twinloop.ops.closedloop.mei;

import io.twinloop.ops.closedloop.ClipResponder;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Gradient-free most exciting inputs: per unit, the clip of the {@link DriftingFourierBasis} (at the unit's RMS
 * contrast) that maximises the twin's mean response over a window, found by separable CMA-ES, or by random
 * search with the same number of evaluations for comparison. The optimiser sees only the twin's outputs. One
 * generation of every unit goes to the twin together, in batches of whole populations.
 *
 * @param basis      the search space
 * @param frames     clip length
 * @param windowFrom first frame of the response window (the frames before it let the response build up)
 * @param maxBatch   clips per call of the twin (at least one population)
 */
public record MeiSearch(DriftingFourierBasis basis, int frames, int windowFrom, int maxBatch) {

    /** One unit's result: the best parameters, the twin's response to them, best-so-far after each generation. */
    public record Result(double[] best, double predicted, double[] progress) {
    }

    /**
     * @param twin        the twin; its output column {@code units[i]} is unit i's response
     * @param units       output columns of the units to optimise
     * @param rms         per unit, the RMS contrast its MEI is shown at
     * @param generations CMA-ES generations
     * @param sigma       initial step size (parameters start at 0 but for a small random kick)
     */
    public List<Result> cmaEs(ClipResponder twin, int[] units, double[] rms, int generations, double sigma,
                              long seed) {
        int dimension = basis.dimension();
        List<SepCmaEs> searches = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (int u = 0; u < units.length; u++) {
            double[] start = new double[dimension];
            for (int j = 0; j < dimension; j++) {
                start[j] = 0.1 * sigma * random.nextGaussian();
            }
            searches.add(new SepCmaEs(start, sigma, 0, random.nextLong()));
        }
        double[][] progress = new double[units.length][generations];
        for (int g = 0; g < generations; g++) {
            List<double[][]> populations = new ArrayList<>();
            for (SepCmaEs es : searches) {
                populations.add(es.ask());
            }
            double[][] fitness = evaluate(twin, units, rms, populations);
            for (int u = 0; u < units.length; u++) {
                searches.get(u).tell(fitness[u]);
                progress[u][g] = searches.get(u).bestFitness();
            }
        }
        List<Result> out = new ArrayList<>();
        for (int u = 0; u < units.length; u++) {
            out.add(new Result(searches.get(u).best(), searches.get(u).bestFitness(), progress[u]));
        }
        return out;
    }

    /** Random search: {@code rounds} rounds of {@code perRound} standard-normal parameter vectors per unit. */
    public List<Result> randomSearch(ClipResponder twin, int[] units, double[] rms, int rounds, int perRound,
                                     long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] best = new double[units.length][];
        double[] bestFitness = new double[units.length];
        java.util.Arrays.fill(bestFitness, Double.NEGATIVE_INFINITY);
        double[][] progress = new double[units.length][rounds];
        for (int r = 0; r < rounds; r++) {
            List<double[][]> populations = new ArrayList<>();
            for (int u = 0; u < units.length; u++) {
                double[][] population = new double[perRound][basis.dimension()];
                for (double[] candidate : population) {
                    for (int j = 0; j < candidate.length; j++) {
                        candidate[j] = random.nextGaussian();
                    }
                }
                populations.add(population);
            }
            double[][] fitness = evaluate(twin, units, rms, populations);
            for (int u = 0; u < units.length; u++) {
                for (int k = 0; k < perRound; k++) {
                    if (fitness[u][k] > bestFitness[u]) {
                        bestFitness[u] = fitness[u][k];
                        best[u] = populations.get(u)[k];
                    }
                }
                progress[u][r] = bestFitness[u];
            }
        }
        List<Result> out = new ArrayList<>();
        for (int u = 0; u < units.length; u++) {
            out.add(new Result(best[u], bestFitness[u], progress[u]));
        }
        return out;
    }

    /** @return [unit][candidate] the twin's mean response of each unit to its own candidates */
    private double[][] evaluate(ClipResponder twin, int[] units, double[] rms, List<double[][]> populations) {
        double[][] fitness = new double[units.length][];
        int u = 0;
        while (u < units.length) {
            // whole populations per call, as many as fit in maxBatch (at least one)
            int from = u;
            int clips = 0;
            do {
                clips += populations.get(u).length;
                u++;
            } while (u < units.length && clips + populations.get(u).length <= maxBatch);
            int[] owner = new int[clips];
            int[] index = new int[clips];
            int c = 0;
            for (int w = from; w < u; w++) {
                for (int k = 0; k < populations.get(w).length; k++) {
                    owner[c] = w;
                    index[c] = k;
                    c++;
                }
            }
            float[][][] rendered = new float[clips][][];
            IntStream.range(0, clips).parallel().forEach(i -> rendered[i] =
                    basis.render(populations.get(owner[i])[index[i]], frames, rms[owner[i]]));
            float[][][] responses = twin.respond(java.util.Arrays.asList(rendered));
            for (int w = from; w < u; w++) {
                fitness[w] = new double[populations.get(w).length];
            }
            for (int i = 0; i < clips; i++) {
                fitness[owner[i]][index[i]] = windowMean(responses[i], units[owner[i]], windowFrom);
            }
        }
        return fitness;
    }

    /** @return the mean of one output column over frames [from, T) */
    public static double windowMean(float[][] response, int unit, int from) {
        double sum = 0;
        for (int t = from; t < response.length; t++) {
            sum += response[t][unit];
        }
        return sum / (response.length - from);
    }
}
