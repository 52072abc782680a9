package io.twinloop.ops.service;

import io.twinloop.inference.worker.WorkerMetrics;
import io.twinloop.ops.http.MetricsSource;
import io.twinloop.ops.http.PrometheusWriter;
import org.HdrHistogram.Histogram;
import org.apache.kafka.streams.KafkaStreams;

/** The service's metrics in Prometheus form: the worker's counters and step time, the stream's state. */
final class ServiceMetrics implements MetricsSource {

    private final WorkerMetrics worker;
    private final KafkaStreams streams;

    ServiceMetrics(WorkerMetrics worker, KafkaStreams streams) {
        this.worker = worker;
        this.streams = streams;
    }

    @Override
    public void writeTo(PrometheusWriter out) {
        out.counter("twinloop_frames_stepped_total", "Frames stepped through the model.", worker.framesStepped.get())
                .counter("twinloop_predictions_total", "Predictions published.", worker.predictionsSent.get())
                .counter("twinloop_worker_rejected_total", "Inputs the inference worker sent to the dead-letter topic.",
                        worker.rejected.get())
                .counter("twinloop_batches_total", "Model steps (batches of sessions).", worker.batches.get())
                .counter("twinloop_replayed_frames_skipped_total",
                        "Aligned frames read again after a replay whose predictions were already published.",
                        worker.replayedFramesSkipped.get())
                .gauge("twinloop_open_sessions", "Sessions whose state the worker holds.", worker.openSessions.get())
                .gauge("twinloop_stream_running", "1 when the Kafka Streams stage is running.",
                        streams.state().isRunningOrRebalancing() ? 1 : 0);
        Histogram step = worker.stepHistogram();
        out.summary("twinloop_model_step_seconds", "Wall time of one model step (one batch).",
                new double[][] {
                        {0.5, step.getValueAtPercentile(50) / 1e6},
                        {0.99, step.getValueAtPercentile(99) / 1e6},
                        {1.0, step.getMaxValue() / 1e6}},
                step.getTotalCount(), step.getMean() * step.getTotalCount() / 1e6);
    }
}
