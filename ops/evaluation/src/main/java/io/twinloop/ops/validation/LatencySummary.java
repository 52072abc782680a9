package io.twinloop.ops.validation;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of the per-frame latency, in milliseconds, from a histogram recorded in microseconds.
 *
 * @param count frames measured
 */
public record LatencySummary(long count, double meanMs, double p50Ms, double p90Ms, double p99Ms, double maxMs) {

    public static LatencySummary of(Histogram microseconds) {
        return new LatencySummary(microseconds.getTotalCount(), microseconds.getMean() / 1000.0,
                microseconds.getValueAtPercentile(50) / 1000.0, microseconds.getValueAtPercentile(90) / 1000.0,
                microseconds.getValueAtPercentile(99) / 1000.0, microseconds.getMaxValue() / 1000.0);
    }

    /** A histogram (3 significant digits) of latencies given in microseconds. */
    public static Histogram histogramOf(long[] microseconds) {
        Histogram histogram = new Histogram(3);
        for (long value : microseconds) {
            histogram.recordValue(Math.max(0, value));
        }
        return histogram;
    }
}
