package io.twinloop.inference.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.twinloop.proto.DeadLetters;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.Prediction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The inference worker's meters, in a Micrometer registry (the service scrapes it as Prometheus text):
 * counters of frames, predictions, dead letters by reason, send failures and restarts; the model step time;
 * per session ({@code session} label) the end-to-end latency and the lag, whose meters are removed when the
 * session ends; the worker's Kafka clients' own metrics while they live.
 */
public final class WorkerMetrics implements FrameStepper.StepObserver, PredictionPublisher.PublishObserver {

    private final MeterRegistry registry;
    private final Counter framesStepped;
    private final Counter predictionsSent;
    private final Counter replayedFramesSkipped;
    private final Counter sendFailures;
    private final Counter restarts;
    private final Counter duplicateStarts;
    private final Timer modelStep;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final Map<String, SessionMeters> sessions = new ConcurrentHashMap<>();
    private volatile List<KafkaClientMetrics> clientMetrics = List.of();

    /** The meters of one live session. */
    private record SessionMeters(Timer latency, Gauge lagGauge, AtomicLong lagMicros) {
    }

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.framesStepped = Counter.builder("twinloop.frames.stepped")
                .description("Frames stepped through the model.").register(registry);
        this.predictionsSent = Counter.builder("twinloop.predictions")
                .description("Predictions published and acknowledged by the broker.").register(registry);
        this.replayedFramesSkipped = Counter.builder("twinloop.replayed.frames.skipped")
                .description("Aligned frames read again whose predictions were already published.").register(registry);
        this.sendFailures = Counter.builder("twinloop.worker.send.failures")
                .description("Sends the broker did not acknowledge; each is sent again.").register(registry);
        this.restarts = Counter.builder("twinloop.worker.restarts")
                .description("Restarts of the inference worker's poll loop after a failure.").register(registry);
        this.duplicateStarts = Counter.builder("twinloop.worker.duplicate.starts")
                .description("Starts of sessions already running with the same parameters, ignored.")
                .register(registry);
        this.modelStep = Timer.builder("twinloop.model.step").description("Wall time of one model call (one batch).")
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("twinloop.open.sessions", openSessions, AtomicInteger::get)
                .description("Sessions whose state the worker holds.").register(registry);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            if (reason != DeadLetterReason.DEAD_LETTER_REASON_UNSPECIFIED && reason != DeadLetterReason.UNRECOGNIZED) {
                deadLetterCounter(reason);
            }
        }
    }

    /** Meters kept in a registry of their own: for tests and tools that do not export them. */
    public WorkerMetrics() {
        this(new SimpleMeterRegistry());
    }

    private Counter deadLetterCounter(DeadLetterReason reason) {
        return Counter.builder("twinloop.worker.dead.letters").tag("reason", DeadLetters.code(reason))
                .description("Inputs the inference worker sent to the dead-letter topic, by reason.")
                .register(registry);
    }

    @Override
    public void stepped(int batchSize, long micros) {
        modelStep.record(Math.max(0, micros), TimeUnit.MICROSECONDS);
    }

    @Override
    public void predictionSent(Prediction prediction, long ackedAtUs) {
        predictionsSent.increment();
        SessionMeters meters = sessions.get(prediction.getSessionId());
        if (meters != null && prediction.getPublishedAtUs() > 0) {
            meters.latency().record(Math.max(0, ackedAtUs - prediction.getPublishedAtUs()), TimeUnit.MICROSECONDS);
        }
    }

    @Override
    public void deadLetterSent(DeadLetterReason reason) {
        deadLetterCounter(reason).increment();
    }

    @Override
    public void sendFailed(String topic, Exception error) {
        sendFailures.increment();
    }

    void frameStepped() {
        framesStepped.increment();
    }

    /**
     * @param lagMicros how long the frame waited from the rig's publish to the start of its step: how far this
     *                  session runs behind its rig
     */
    void sessionStepped(String session, long lagMicros) {
        SessionMeters meters = sessions.get(session);
        if (meters != null) {
            meters.lagMicros().set(Math.max(0, lagMicros));
        }
    }

    void replayedFrameSkipped() {
        replayedFramesSkipped.increment();
    }

    void restarted() {
        restarts.increment();
    }

    void duplicateStartIgnored() {
        duplicateStarts.increment();
    }

    public long duplicateStartsIgnored() {
        return (long) duplicateStarts.count();
    }

    void openSessions(int open) {
        openSessions.set(open);
    }

    /** Creates the session's labelled meters. */
    void sessionStarted(String session) {
        sessions.computeIfAbsent(session, s -> {
            Tags tags = Tags.of("session", s);
            AtomicLong lag = new AtomicLong();
            Timer latency = Timer.builder("twinloop.session.latency").tags(tags)
                    .description("Rig publish to prediction acknowledged, per session.")
                    .publishPercentiles(0.5, 0.99).register(registry);
            Gauge lagGauge = Gauge.builder("twinloop.session.lag", lag, v -> v.get() / 1e6).tags(tags)
                    .baseUnit("seconds")
                    .description("Rig publish to step start of the session's last frame: how far it runs behind.")
                    .register(registry);
            return new SessionMeters(latency, lagGauge, lag);
        });
    }

    /** Removes the session's labelled meters (its stop, or the worker ended it). */
    void sessionEnded(String session) {
        SessionMeters meters = sessions.remove(session);
        if (meters != null) {
            registry.remove(meters.latency());
            registry.remove(meters.lagGauge());
        }
    }

    /** Publishes the Kafka clients' own metrics (fetch lag, request latency, ...) while they live. */
    void bindClients(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer) {
        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
        consumerMetrics.bindTo(registry);
        producerMetrics.bindTo(registry);
        clientMetrics = List.of(consumerMetrics, producerMetrics);
    }

    /** Removes the metrics of clients that are being closed. */
    void unbindClients() {
        clientMetrics.forEach(KafkaClientMetrics::close);
        clientMetrics = List.of();
    }

    public long framesStepped() {
        return (long) framesStepped.count();
    }

    public long predictionsSent() {
        return (long) predictionsSent.count();
    }

    public long replayedFramesSkipped() {
        return (long) replayedFramesSkipped.count();
    }

    public long sendFailures() {
        return (long) sendFailures.count();
    }

    public long restarts() {
        return (long) restarts.count();
    }

    public long deadLetters(DeadLetterReason reason) {
        return (long) deadLetterCounter(reason).count();
    }

    /** @return dead letters the worker sent, all reasons */
    public long rejected() {
        return (long) registry.find("twinloop.worker.dead.letters").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** @return the session's labelled meters exist (it is live) */
    public boolean hasSessionMeters(String session) {
        return registry.find("twinloop.session.latency").tag("session", session).timer() != null;
    }
}
