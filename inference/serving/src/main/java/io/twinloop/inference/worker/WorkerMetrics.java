package io.twinloop.inference.worker;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicLong;

/** Counters and the model-step latency of the inference worker, read by the metrics endpoint. */
public final class WorkerMetrics {

    public final AtomicLong framesStepped = new AtomicLong();
    public final AtomicLong predictionsSent = new AtomicLong();
    public final AtomicLong rejected = new AtomicLong();
    public final AtomicLong batches = new AtomicLong();
    public final AtomicLong openSessions = new AtomicLong();
    /** Frames read again after a replay of the aligned topic, whose predictions were already sent. */
    public final AtomicLong replayedFramesSkipped = new AtomicLong();
    /** Model step wall time per batch, microseconds. */
    private final Recorder stepMicros = new Recorder(3);
    private final Histogram stepTotal = new Histogram(3);

    void recordStep(long micros) {
        stepMicros.recordValue(Math.max(0, micros));
    }

    /** @return every step recorded since start (a copy) */
    public synchronized Histogram stepHistogram() {
        stepTotal.add(stepMicros.getIntervalHistogram());
        return stepTotal.copy();
    }
}
