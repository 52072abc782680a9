package io.twinloop.ops.validation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine-readable part of a validation report (summary.json).
 *
 * @param title        report heading
 * @param trials       trials scored
 * @param frames       frames over all trials
 * @param units        neurons
 * @param burnInFrames frames left out at the start of every trial
 * @param scores       per score name ({@link NeuronScores#NAMES}): median, mean and how many units have a value
 * @param latency      per-frame latency, or null
 */
public record ReportSummary(String title, int trials, long frames, int units, int burnInFrames,
                            Map<String, ScoreSummary> scores, LatencySummary latency) {

    /** Distribution of one score over units (NaN units left out). */
    public record ScoreSummary(double median, double mean, int defined) {

        static ScoreSummary of(double[] values) {
            int defined = 0;
            for (double v : values) {
                defined += Double.isNaN(v) ? 0 : 1;
            }
            return new ScoreSummary(Moments.median(values), Moments.mean(values), defined);
        }
    }

    public static ReportSummary of(ReportInput input) {
        Map<String, ScoreSummary> scores = new LinkedHashMap<>();
        double[][] rows = input.scores().rows();
        for (int s = 0; s < rows.length; s++) {
            scores.put(NeuronScores.NAMES[s], ScoreSummary.of(rows[s]));
        }
        long frames = 0;
        for (float[][] trial : input.predictions()) {
            frames += trial.length;
        }
        return new ReportSummary(input.title(), input.predictions().length, frames, input.unitIds().length,
                input.burnInFrames(), scores, input.latencies() == null || input.latencies().getTotalCount() == 0 ? null
                        : LatencySummary.of(input.latencies()));
    }
}
