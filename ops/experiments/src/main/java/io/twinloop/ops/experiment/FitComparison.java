package io.twinloop.ops.experiment;

import io.twinloop.ops.training.HeldOutEvaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fig. 3's comparison, cell by cell (amount of data x test domain): the frozen-core fits against the fits from
 * scratch over their seeds. Fits are paired by seed index (the same index draws the same training clips' seed for
 * both models), so {@code wins} counts the pairs where the foundation fit scored higher.
 *
 * @param amount      training trials of the new mouse
 * @param domain      test domain
 * @param seeds       pairs compared (seed indices that both models have)
 * @param foundation  mean median CC_norm of the frozen-core fits over those pairs
 * @param individual  mean median CC_norm of the fits from scratch
 * @param difference  mean of the paired differences, foundation - individual
 * @param spread      sample standard deviation of the paired differences (NaN with one pair)
 * @param wins        pairs in which the foundation fit scored higher
 */
record FitComparison(int amount, String domain, int seeds, double foundation, double individual, double difference,
                     double spread, int wins) {

    /** @return one comparison per amount and domain that both models have at least one seed of, in that order */
    static List<FitComparison> of(List<FoundationExperiment.FitResult> fits, List<Integer> amounts) {
        List<FitComparison> out = new ArrayList<>();
        for (int amount : amounts) {
            for (String domain : FoundationExperiment.TEST_DOMAINS) {
                List<double[]> pairs = new ArrayList<>();
                for (FoundationExperiment.FitResult f : fits) {
                    if (!f.model().equals(FoundationExperiment.FOUNDATION) || f.amount() != amount) {
                        continue;
                    }
                    Optional<Double> frozen = score(f, domain);
                    Optional<Double> scratch = fits.stream()
                            .filter(g -> g.model().equals(FoundationExperiment.INDIVIDUAL) && g.amount() == amount
                                    && g.seedIndex() == f.seedIndex())
                            .findFirst().flatMap(g -> score(g, domain));
                    if (frozen.isPresent() && scratch.isPresent()) {
                        pairs.add(new double[] {frozen.get(), scratch.get()});
                    }
                }
                if (!pairs.isEmpty()) {
                    out.add(compare(amount, domain, pairs));
                }
            }
        }
        return out;
    }

    private static FitComparison compare(int amount, String domain, List<double[]> pairs) {
        int n = pairs.size();
        double foundation = 0;
        double individual = 0;
        int wins = 0;
        for (double[] p : pairs) {
            foundation += p[0] / n;
            individual += p[1] / n;
            wins += p[0] > p[1] ? 1 : 0;
        }
        double difference = foundation - individual;
        double squares = 0;
        for (double[] p : pairs) {
            squares += Math.pow(p[0] - p[1] - difference, 2);
        }
        double spread = n > 1 ? Math.sqrt(squares / (n - 1)) : Double.NaN;
        return new FitComparison(amount, domain, n, foundation, individual, difference, spread, wins);
    }

    static Optional<Double> score(FoundationExperiment.FitResult fit, String domain) {
        return fit.scores().stream().filter(s -> s.domain().equals(domain))
                .map(HeldOutEvaluation.DomainScores::ccNorm).findFirst();
    }
}
