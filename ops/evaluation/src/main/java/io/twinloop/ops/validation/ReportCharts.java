package io.twinloop.ops.validation;

import java.util.Arrays;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's plots, as XChart charts (rendered headless to PNG by the caller). */
final class ReportCharts {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;

    private ReportCharts() {
    }

    /**
     * Histogram of one score over units, NaN left out, as a step outline. The range covers [0, 1] and stretches
     * to the data up to [-1, 2]; values beyond (CC_norm of units with a near-zero ceiling) land in the end bins.
     */
    static XYChart scoreHistogram(String score, double[] values, int bins) {
        double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
        double lo = Math.max(-1, Math.min(0, Arrays.stream(finite).min().orElse(0)));
        double hi = Math.min(2, Math.max(1, Arrays.stream(finite).max().orElse(1)));
        long[] counts = new long[bins];
        for (double v : finite) {
            counts[Math.max(0, Math.min(bins - 1, (int) Math.floor((v - lo) / (hi - lo) * bins)))]++;
        }
        XYChart chart = chart(score + " over " + finite.length + " units (median " + format(Moments.median(values))
                + ")", score, "units");
        steps(chart, score, lo, (hi - lo) / bins, counts);
        chart.getStyler().setXAxisDecimalPattern("0.00");
        return chart;
    }

    /** Predicted and recorded trace of one unit over one trial, each standardised (their scales differ). */
    static XYChart trace(long unitId, double correlation, float[][] predicted, float[][] recorded, int unit) {
        XYChart chart = chart("unit " + unitId + " (single-trial r = " + format(correlation) + ")", "frame",
                "z-score");
        double[] frames = new double[predicted.length];
        for (int t = 0; t < frames.length; t++) {
            frames[t] = t;
        }
        line(chart, "recorded", frames, standardised(recorded, unit));
        line(chart, "predicted", frames, standardised(predicted, unit));
        return chart;
    }

    /** Histogram of per-frame latency in milliseconds, up to the 99.9th percentile. */
    static XYChart latency(Histogram microseconds, int bins) {
        double hiMs = Math.max(0.001, microseconds.getValueAtPercentile(99.9) / 1000.0);
        long[] counts = new long[bins];
        for (HistogramIterationValue v : microseconds.recordedValues()) {
            double ms = v.getValueIteratedTo() / 1000.0;
            counts[Math.min(bins - 1, (int) (ms / hiMs * bins))] += v.getCountAtValueIteratedTo();
        }
        XYChart chart = chart("per-frame latency (p50 " + format(microseconds.getValueAtPercentile(50) / 1000.0)
                + " ms, p99 " + format(microseconds.getValueAtPercentile(99) / 1000.0) + " ms)", "ms", "frames");
        steps(chart, "latency", 0, hiMs / bins, counts);
        chart.getStyler().setXAxisDecimalPattern("0.0");
        return chart;
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setMarkerSize(0);
        return chart;
    }

    private static void steps(XYChart chart, String name, double lo, double width, long[] counts) {
        double[] x = new double[counts.length * 2];
        double[] y = new double[counts.length * 2];
        for (int b = 0; b < counts.length; b++) {
            x[2 * b] = lo + b * width;
            x[2 * b + 1] = lo + (b + 1) * width;
            y[2 * b] = counts[b];
            y[2 * b + 1] = counts[b];
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        series.setMarker(SeriesMarkers.NONE);
        chart.getStyler().setLegendVisible(false);
    }

    private static void line(XYChart chart, String name, double[] x, double[] y) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
    }

    private static double[] standardised(float[][] trial, int unit) {
        double[] values = new double[trial.length];
        for (int t = 0; t < values.length; t++) {
            values[t] = trial[t][unit];
        }
        double mean = Moments.mean(values);
        double sd = Math.sqrt(Moments.variance(values, 0));
        for (int t = 0; t < values.length; t++) {
            values[t] = sd > 0 ? (values[t] - mean) / sd : 0;
        }
        return values;
    }

    static String format(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
    }
}
