package io.twinloop.inference.worker;

import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.Prediction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters and the model-step latency of the inference worker, read by the metrics endpoint. */
public final class WorkerMetrics implements FrameStepper.StepObserver, PredictionPublisher.PublishObserver {

    public final AtomicLong framesStepped = new AtomicLong();
    public final AtomicLong predictionsSent = new AtomicLong();
    public final AtomicLong rejected = new AtomicLong();
    public final AtomicLong batches = new AtomicLong();
    public final AtomicLong openSessions = new AtomicLong();
    /** Frames read again after a replay of the aligned topic, whose predictions were already sent. */
    public final AtomicLong replayedFramesSkipped = new AtomicLong();
    /** Sends the broker did not acknowledge (each is sent again). */
    public final AtomicLong sendFailures = new AtomicLong();
    /** Restarts of the poll loop. */
    public final AtomicLong restarts = new AtomicLong();
    /** Dead letters acknowledged, by reason. */
    public final Map<DeadLetterReason, AtomicLong> deadLetters = new ConcurrentHashMap<>();
    /** Model step wall time per batch, microseconds. */
    private final Recorder stepMicros = new Recorder(3);
    private final Histogram stepTotal = new Histogram(3);

    @Override
    public void stepped(int batchSize, long micros) {
        stepMicros.recordValue(Math.max(0, micros));
        batches.incrementAndGet();
    }

    @Override
    public void predictionSent(Prediction prediction, long ackedAtUs) {
        predictionsSent.incrementAndGet();
    }

    @Override
    public void deadLetterSent(DeadLetterReason reason) {
        rejected.incrementAndGet();
        deadLetters.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void sendFailed(String topic, Exception error) {
        sendFailures.incrementAndGet();
    }

    void frameStepped() {
        framesStepped.incrementAndGet();
    }

    void replayedFrameSkipped() {
        replayedFramesSkipped.incrementAndGet();
    }

    void restarted() {
        restarts.incrementAndGet();
    }

    void openSessions(int open) {
        openSessions.set(open);
    }

    void sessionEnded(String session) {
    }

    void bindClients(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer) {
    }

    void unbindClients() {
    }

    /** @return every step recorded since start (a copy) */
    public synchronized Histogram stepHistogram() {
        stepTotal.add(stepMicros.getIntervalHistogram());
        return stepTotal.copy();
    }
}
