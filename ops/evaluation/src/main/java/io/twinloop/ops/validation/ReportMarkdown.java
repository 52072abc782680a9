package io.twinloop.ops.validation;

import java.util.Map;

/** The human-readable report: what was scored, the score table, and the plots. */
final class ReportMarkdown {

    private ReportMarkdown() {
    }

    static String render(ReportSummary summary, int exampleUnits) {
        StringBuilder md = new StringBuilder();
        md.append("# Validation report: ").append(summary.title()).append("\n\n");
        md.append(summary.units()).append(" units, ").append(summary.trials()).append(" trials, ")
                .append(summary.frames()).append(" frames; the first ").append(summary.burnInFrames())
                .append(" frames of every trial are left out of the scores.\n\n");
        md.append("| score | median | mean | units with a value |\n|---|---|---|---|\n");
        for (Map.Entry<String, ReportSummary.ScoreSummary> e : summary.scores().entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(ReportCharts.format(e.getValue().median()))
                    .append(" | ").append(ReportCharts.format(e.getValue().mean())).append(" | ")
                    .append(e.getValue().defined()).append(" |\n");
        }
        md.append("\nCC_max is the noise ceiling (Schoppe et al. 2016, as fnn/evaluate computes it), CC_abs the ")
                .append("correlation of repeat-averaged prediction and response, CC_norm = CC_abs / CC_max; ")
                .append("single-trial correlation and correlation to average as in Sensorium.\n\n");
        md.append("## Score distributions\n\n![single-trial correlation](single_trial_correlation.png)\n\n")
                .append("![CC_norm](cc_norm.png)\n\n");
        md.append("## Example traces\n\n").append(exampleUnits)
                .append(" units at the 95th, 75th, 50th and 25th percentile of single-trial correlation, first ")
                .append("trial, each trace standardised.\n\n![traces](traces.png)\n\n");
        md.append("## Latency\n\n");
        if (summary.latency() == null) {
            md.append("Not measured.\n");
        } else {
            LatencySummary l = summary.latency();
            md.append("| frames | mean | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|\n| ").append(l.count())
                    .append(" | ").append(ReportCharts.format(l.meanMs())).append(" ms | ")
                    .append(ReportCharts.format(l.p50Ms())).append(" ms | ").append(ReportCharts.format(l.p90Ms()))
                    .append(" ms | ").append(ReportCharts.format(l.p99Ms())).append(" ms | ")
                    .append(ReportCharts.format(l.maxMs())).append(" ms |\n\n![latency](latency.png)\n");
        }
        md.append("\nPredictions: `predictions.npy` (float32 [trial, frame, unit]); summary: `summary.json`.\n");
        return md.toString();
    }
}
