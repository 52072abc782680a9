package io.twinloop.ops.validation;

import org.HdrHistogram.Histogram;

/**
 * What a validation report shows.
 *
 * @param title        heading, e.g. the session or recording name
 * @param unitIds      id of every unit, in unit order
 * @param predictions  [trial][frame][unit] the twin's predictions, written to predictions.npy
 * @param responses    [trial][frame][unit] the recorded responses of the same trials
 * @param scores       per-neuron scores (see {@link NeuronScorer})
 * @param latencies    per-frame latency in microseconds, or null if not measured
 * @param burnInFrames frames excluded from the scores at the start of every trial
 */
public record ReportInput(String title, long[] unitIds, float[][][] predictions, float[][][] responses,
                          NeuronScores scores, Histogram latencies, int burnInFrames) {

    public ReportInput {
        if (predictions.length != responses.length || predictions.length == 0) {
            throw new IllegalArgumentException("predictions and responses must hold the same, non-zero trials");
        }
        if (unitIds.length != scores.units() || predictions[0][0].length != unitIds.length) {
            throw new IllegalArgumentException("unit ids, scores and predictions disagree on the number of units");
        }
    }
}
