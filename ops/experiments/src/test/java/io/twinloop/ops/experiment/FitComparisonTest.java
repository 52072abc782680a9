package io.twinloop.ops.experiment;

import io.twinloop.ops.training.HeldOutEvaluation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FitComparisonTest {

    /** A fit scored 'natural' on natural movies and 'other' on the two other domains. */
    private static FoundationExperiment.FitResult fit(String model, int amount, int seedIndex, double natural,
                                                      double other) {
        List<HeldOutEvaluation.DomainScores> scores = FoundationExperiment.TEST_DOMAINS.stream()
                .map(d -> new HeldOutEvaluation.DomainScores(d, 3, 12, d.equals("natural-movies") ? natural : other,
                        0, 0, 1))
                .toList();
        return new FoundationExperiment.FitResult(model, amount, seedIndex, List.of(), scores, 1, 1, null, null);
    }

    @Test
    void pairsFitsBySeedIndexAndCountsTheFoundationsWins() {
        List<FoundationExperiment.FitResult> fits = List.of(
                fit("foundation", 4, 0, 0.30, 0.10),
                fit("individual", 4, 0, 0.10, 0.20),
                fit("foundation", 4, 1, 0.20, 0.10),
                fit("individual", 4, 1, 0.15, 0.05),
                // no partner from scratch at seed 2: left out of the comparison
                fit("foundation", 4, 2, 0.90, 0.90),
                // only one model at 8 trials: no comparison at 8
                fit("individual", 8, 0, 0.10, 0.10));

        List<FitComparison> cells = FitComparison.of(fits, List.of(4, 8));

        assertEquals(FoundationExperiment.TEST_DOMAINS.size(), cells.size());
        FitComparison natural = cells.get(0);
        assertEquals("natural-movies", natural.domain());
        assertEquals(2, natural.seeds());
        assertEquals(0.25, natural.foundation(), 1e-12);
        assertEquals(0.125, natural.individual(), 1e-12);
        assertEquals(0.125, natural.difference(), 1e-12);
        // paired differences 0.20 and 0.05: standard deviation 0.15 / sqrt(2)
        assertEquals(0.15 / Math.sqrt(2), natural.spread(), 1e-12);
        assertEquals(2, natural.wins());

        FitComparison gabor = cells.get(1);
        assertEquals(1, gabor.wins(), "0.10 < 0.20 at seed 0, 0.10 > 0.05 at seed 1");
        assertEquals(-0.025, gabor.difference(), 1e-12);
    }

    @Test
    void oneSeedHasNoSpread() {
        List<FitComparison> cells = FitComparison.of(List.of(fit("foundation", 2, 0, 0.1, 0.1),
                fit("individual", 2, 0, 0.2, 0.2)), List.of(2));
        assertTrue(Double.isNaN(cells.get(0).spread()));
        assertEquals(0, cells.get(0).wins());
    }
}
