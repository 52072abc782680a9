package io.twinloop.ops.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeuronScorerTest {

    private static final double TOLERANCE = 1e-6;

    @Test
    void reproducesTheReferenceScoresOfFnnsEvaluation() {
        ScoreFixture fixture = new ScoreFixture();
        NeuronScores scores = new NeuronScorer(ScoreFixture.BURN_IN)
                .score(RepeatedTrials.withClipPredictions(fixture.responses, fixture.predictions));

        double[][] rows = scores.rows();
        assertEquals(fixture.expected.length, rows.length);
        for (int s = 0; s < rows.length; s++) {
            assertEquals(fixture.expected[s].length, rows[s].length, NeuronScores.NAMES[s]);
            for (int u = 0; u < rows[s].length; u++) {
                assertEquals(fixture.expected[s][u], rows[s][u], TOLERANCE, NeuronScores.NAMES[s] + " of unit " + u);
            }
        }
    }

    @Test
    void singleTrialsGroupedByClipScoreAsTheNanPaddedArray() {
        ScoreFixture fixture = new ScoreFixture();
        List<Integer> clipIds = new ArrayList<>();
        List<float[][]> responses = new ArrayList<>();
        List<float[][]> predictions = new ArrayList<>();
        // Interleave the clips, drop the all-NaN (missing) repeats: trials as a replay would list them.
        for (int k = 0; k < fixture.responses[0].length; k++) {
            for (int v = 0; v < fixture.responses.length; v++) {
                if (!Float.isNaN(fixture.responses[v][k][0][0])) {
                    clipIds.add(v);
                    responses.add(fixture.responses[v][k]);
                    predictions.add(fixture.predictions[v]);
                }
            }
        }
        NeuronScores grouped = new NeuronScorer(ScoreFixture.BURN_IN).score(RepeatedTrials.fromTrials(clipIds,
                responses.toArray(float[][][]::new), predictions.toArray(float[][][]::new)));

        double[][] rows = grouped.rows();
        for (int s = 0; s < rows.length; s++) {
            for (int u = 0; u < rows[s].length; u++) {
                assertEquals(fixture.expected[s][u], rows[s][u], TOLERANCE, NeuronScores.NAMES[s] + " of unit " + u);
            }
        }
    }

    @Test
    void theNoiselessSignalReachesTheCeilingAndNoiseLowersSingleTrialCorrelation() {
        Random random = new Random(7);
        int clips = 4;
        int repeats = 6;
        int frames = 200;
        int units = 3;
        double[] noise = {0.3, 1.0, 2.0};
        float[][][] signal = new float[clips][frames][units];
        float[][][][] recorded = new float[clips][repeats][frames][units];
        for (int c = 0; c < clips; c++) {
            for (int t = 0; t < frames; t++) {
                for (int u = 0; u < units; u++) {
                    signal[c][t][u] = (float) random.nextGaussian();
                    for (int r = 0; r < repeats; r++) {
                        recorded[c][r][t][u] = (float) (signal[c][t][u] + noise[u] * random.nextGaussian());
                    }
                }
            }
        }
        NeuronScores scores = new NeuronScorer(5).score(RepeatedTrials.withClipPredictions(recorded, signal));

        for (int u = 0; u < units; u++) {
            assertEquals(1.0, scores.ccNorm()[u], 0.1, "cc_norm of the true signal, unit " + u);
            // Single-trial correlation of the true signal is 1 / sqrt(1 + noise variance).
            assertEquals(1 / Math.sqrt(1 + noise[u] * noise[u]), scores.singleTrialCorrelation()[u], 0.05);
        }
        assertTrue(scores.ccMax()[0] > scores.ccMax()[1] && scores.ccMax()[1] > scores.ccMax()[2],
                "more noise, lower ceiling: " + Arrays.toString(scores.ccMax()));
    }
}
