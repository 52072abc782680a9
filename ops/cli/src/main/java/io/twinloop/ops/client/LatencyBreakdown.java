package io.twinloop.ops.client;

import io.twinloop.proto.v1.Prediction;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a frame's time goes, from the rig's publish to the prediction's receipt, split by the
 * timestamps the pipeline writes into each prediction (all microseconds, one wall clock).
 */
public final class LatencyBreakdown {

    /** The stages, in pipeline order. */
    public enum Stage {
        /** rig publish to the stream's emission of the aligned frame (includes the telemetry wait) */
        STREAM,
        /** aligned frame emitted to the start of the model step (Kafka hop and batching) */
        QUEUE,
        /** the model step of the frame's batch */
        MODEL_STEP,
        /** model step done to the client's receipt of the prediction (Kafka hop) */
        DELIVER,
        /** everything: rig publish to receipt */
        TOTAL,
        /** everything but the model step: what the pipeline adds */
        OVERHEAD
    }

    private final Map<Stage, Histogram> histograms = new LinkedHashMap<>();

    public LatencyBreakdown() {
        for (Stage s : Stage.values()) {
            histograms.put(s, new Histogram(600_000_000L, 3));
        }
    }

    public synchronized void record(Prediction p, long receivedAtUs) {
        long step = p.getStepFinishedAtUs() - p.getStepStartedAtUs();
        long total = receivedAtUs - p.getPublishedAtUs();
        add(Stage.STREAM, p.getAlignedAtUs() - p.getPublishedAtUs());
        add(Stage.QUEUE, p.getStepStartedAtUs() - p.getAlignedAtUs());
        add(Stage.MODEL_STEP, step);
        add(Stage.DELIVER, receivedAtUs - p.getStepFinishedAtUs());
        add(Stage.TOTAL, total);
        add(Stage.OVERHEAD, total - step);
    }

    private void add(Stage stage, long micros) {
        // Clamped into the histogram's range: a prediction published long ago (an earlier run's, still in a kept
        // broker log) would otherwise throw and end the collector's thread.
        Histogram histogram = histograms.get(stage);
        histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), Math.max(0, micros)));
    }

    /** @return a copy of one stage's histogram, microseconds */
    public synchronized Histogram histogram(Stage stage) {
        return histograms.get(stage).copy();
    }

    /** @return the given percentile of a stage, milliseconds */
    public synchronized double percentileMs(Stage stage, double percentile) {
        return histograms.get(stage).getValueAtPercentile(percentile) / 1000.0;
    }

    public synchronized double maxMs(Stage stage) {
        return histograms.get(stage).getMaxValue() / 1000.0;
    }
}
