package io.twinloop.inference.worker;

import io.twinloop.inference.session.SessionStepper;
import io.twinloop.inference.session.SessionStepper.FrameInput;
import io.twinloop.proto.Limits;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.AlignedFrame;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.ModelInput;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Consumes aligned frames, steps the model for the sessions that are ready, and publishes exactly one
 * prediction per frame, in frame order per session.
 *
 * <p>Each record goes through four pieces: {@link InputDecoder} (bytes to a {@link ModelInput}, or a
 * rejection), {@link SessionBook} with {@link BatchPlanner} (open, close, step, skip a replayed frame, or
 * reject), {@link FrameStepper} (one model call per batch; a failing or non-finite frame fails alone) and
 * {@link PredictionPublisher} (send with a callback). Any failure of one record becomes a dead letter with its
 * reason; the worker goes on.
 *
 * <p>The poll loop is supervised: if it throws (a broker error, a bug), its clients are closed, fresh ones
 * made by {@link WorkerClients}, and the loop restarted after a back-off (100 ms doubling to 30 s) while
 * {@link #health()} says {@code DEGRADED}. Sessions' model state lives in the stepper and survives a restart.
 *
 * <p>Commits: every 100 ms, per partition the lowest offset whose output the broker has not acknowledged
 * ({@link OffsetBook}): an input whose prediction failed to send is not committed, and the prediction is sent
 * again on the next loop (at-least-once; a frame read again is recognised by its index and not stepped twice).
 */
public final class InferenceWorker implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceWorker.class);
    /** How often offsets are committed: not per poll, which would put a broker round trip before every step. */
    private static final long COMMIT_INTERVAL_NANOS = 100_000_000L;
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 30_000;
    /** How long a session may go without a frame before the worker closes it, unless told otherwise. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** Where the worker stands: {@code DEGRADED} while its loop restarts or outputs wait to be sent again. */
    public enum State { UP, DEGRADED, DOWN }

    public record Health(State state, String detail) {
    }

    private final WorkerClients clients;
    private final SessionStepper stepper;
    private final WorkerMetrics metrics;
    private final SessionBook sessions;
    private final FrameStepper frameStepper;
    private final OffsetBook offsets = new OffsetBook();
    private final PredictionPublisher publisher;
    private final Object lock = new Object();
    private final long idleTimeoutNanos;
    private final LongSupplier nanoClock;
    private volatile boolean running = true;
    private volatile boolean assigned;
    private volatile Consumer<String, byte[]> consumer;
    private volatile String restartReason;
    private volatile boolean stopped;
    private long lastCommitNanos = System.nanoTime();
    private Map<TopicPartition, OffsetAndMetadata> lastCommitted = Map.of();

    /**
     * @param clients  makes the Kafka clients, afresh at every (re)start of the poll loop
     * @param stepper  the model, owned by this worker from now on
     * @param modelId  the id of the served model; sessions asking for another are rejected
     */
    public InferenceWorker(WorkerClients clients, SessionStepper stepper, String modelId, WorkerMetrics metrics) {
        this(clients, stepper, modelId, metrics, DEFAULT_IDLE_TIMEOUT, System::nanoTime);
    }

    /**
     * @param idleTimeout a session with no record for this long (while the worker has read all of its
     *                    partition) is closed, its state freed, with a dead letter {@code session_idle};
     *                    {@link Duration#ZERO} never closes one
     * @param nanoClock   the clock idleness is measured on (nanoseconds, like {@link System#nanoTime})
     */
    public InferenceWorker(WorkerClients clients, SessionStepper stepper, String modelId, WorkerMetrics metrics,
                           Duration idleTimeout, LongSupplier nanoClock) {
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idle timeout " + idleTimeout + " is negative");
        }
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.nanoClock = nanoClock;
        if (stepper.units() > Limits.MAX_UNITS) {
            throw new IllegalArgumentException("the model predicts " + stepper.units() + " units; a prediction "
                    + "must fit one Kafka record, which allows at most " + Limits.MAX_UNITS);
        }
        this.clients = clients;
        this.stepper = stepper;
        this.metrics = metrics;
        this.sessions = new SessionBook(stepper, modelId);
        this.frameStepper = new FrameStepper(stepper, metrics);
        this.publisher = new PredictionPublisher(offsets, modelId, metrics);
    }

    /** A worker with real Kafka clients of consumer group {@code groupId}. */
    public InferenceWorker(String bootstrapServers, String groupId, SessionStepper stepper, String modelId,
                           WorkerMetrics metrics) {
        this(WorkerClients.kafka(bootstrapServers, groupId), stepper, modelId, metrics);
    }

    /** A worker with real Kafka clients of consumer group {@code groupId} and the given idle timeout. */
    public InferenceWorker(String bootstrapServers, String groupId, SessionStepper stepper, String modelId,
                           WorkerMetrics metrics, Duration idleTimeout) {
        this(WorkerClients.kafka(bootstrapServers, groupId), stepper, modelId, metrics, idleTimeout,
                System::nanoTime);
    }

    @Override
    public void run() {
        Thread.currentThread().setName("twinloop-inference");
        long backoffMs = FIRST_BACKOFF_MS;
        try {
            while (running) {
                try {
                    if (pollLoop()) {
                        backoffMs = FIRST_BACKOFF_MS;
                    }
                } catch (WakeupException e) {
                    if (!running) {
                        break;
                    }
                    restarting(e, backoffMs);
                } catch (RuntimeException | Error e) {
                    // an Error too (a stack overflow, a native library's failure): the model's state may survive it,
                    // and a worker that stops serves no one
                    restarting(e, backoffMs);
                }
                if (running) {
                    synchronized (lock) {
                        try {
                            lock.wait(backoffMs);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            running = false;
                        }
                    }
                    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                }
            }
        } finally {
            stepper.close();
            stopped = true;
        }
    }

    private void restarting(Throwable e, long backoffMs) {
        restartReason = e.toString();
        metrics.restarted();
        LOG.error("inference worker loop failed; restarting in {} ms", backoffMs, e);
    }

    /**
     * One run of the poll loop with fresh clients.
     *
     * @return whether it processed records before it ended (the back-off starts again from its first value)
     */
    private boolean pollLoop() {
        boolean processed = false;
        Consumer<String, byte[]> consumer = clients.consumer();
        Producer<String, byte[]> producer = clients.producer();
        this.consumer = consumer;
        metrics.bindClients(consumer, producer);
        publisher.use(producer);
        try {
            consumer.subscribe(List.of(Topics.ALIGNED), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    publisher.flush();
                    commit(consumer, partitions);
                    offsets.forget(partitions);
                    release(partitions, "revoked");
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    // another worker may serve them already: nothing to commit, the state to free
                    offsets.forget(partitions);
                    release(partitions, "lost");
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned = true;
                }
            });
            if (!running) {
                return false;
            }
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(20));
                if (restartReason != null) {
                    restartReason = null;
                    LOG.info("inference worker loop running again");
                }
                publisher.retryFailed();
                if (!records.isEmpty()) {
                    process(records);
                    processed = true;
                }
                closeIdleSessions(consumer);
                if (System.nanoTime() - lastCommitNanos >= COMMIT_INTERVAL_NANOS) {
                    commit(consumer, consumer.assignment());
                }
            }
            publisher.flush();
            commit(consumer, consumer.assignment());
            return processed;
        } finally {
            this.consumer = null;
            metrics.unbindClients();
            closeQuietly(consumer::close);
            closeQuietly(() -> producer.close(Duration.ofSeconds(5)));
        }
    }

    private static void closeQuietly(Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.warn("closing a Kafka client failed: {}", e.toString());
        }
    }

    /** Decode, plan, step and publish the records of one poll. Package-private for the unit tests. */
    void process(ConsumerRecords<String, byte[]> records) {
        BatchPlanner planner = new BatchPlanner();
        Map<ModelInput, ConsumerRecord<String, byte[]>> sources = new IdentityHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            offsets.consumed(source(record), record.offset());
            InputDecoder.Decoded decoded = InputDecoder.decode(record.key(), record.value());
            if (decoded.accepted() && decoded.input().hasFrame()) {
                sessions.arrived(decoded.input().getSessionId(), source(record), record.offset(),
                        nanoClock.getAsLong());
            }
            if (decoded.accepted()) {
                planner.add(decoded.input());
                sources.put(decoded.input(), record);
            } else {
                reject(record, record.key(), decoded.rejection());
            }
        }
        while (!planner.isEmpty()) {
            StepRound round = planner.nextRound();
            for (ModelInput event : round.lifecycle()) {
                ConsumerRecord<String, byte[]> record = sources.get(event);
                try {
                    if (sessions.isDuplicateStart(event)) {
                        metrics.duplicateStartIgnored();
                        LOG.info("start of session {} read again while it runs with the same parameters: ignored",
                                event.getSessionId());
                    }
                    Optional<Rejection> refused = sessions.apply(event);
                    sessions.arrived(event.getSessionId(), source(record), record.offset(), nanoClock.getAsLong());
                    if (event.hasStart() && refused.isEmpty()) {
                        metrics.sessionStarted(event.getSessionId());
                    } else if (event.hasStop() || refused.get().reason() != DeadLetterReason.CONFLICTING_START) {
                        metrics.sessionEnded(event.getSessionId());
                    }
                    refused.ifPresentOrElse(rejection -> reject(record, event.getSessionId(), rejection),
                            () -> offsets.done(source(record), record.offset()));
                } catch (RuntimeException e) {
                    reject(record, event.getSessionId(), unexpected(e));
                }
            }
            step(round.frames(), sources);
        }
        metrics.openSessions(sessions.openSessions());
    }

    private void step(List<ModelInput> frames, Map<ModelInput, ConsumerRecord<String, byte[]>> sources) {
        List<ModelInput> toStep = new ArrayList<>(frames.size());
        for (ModelInput input : frames) {
            ConsumerRecord<String, byte[]> record = sources.get(input);
            SessionBook.Admission admission = sessions.admit(input);
            if (admission instanceof SessionBook.Admission.Step) {
                toStep.add(input);
            } else if (admission instanceof SessionBook.Admission.Refused refused) {
                reject(record, input.getSessionId(), refused.rejection());
            } else {
                metrics.replayedFrameSkipped();
                offsets.done(source(record), record.offset());
            }
        }
        // live rigs first, as a batch of their own: optimisers' virtual sessions never delay an animal's frame
        // within a round (they step after it, as another batch)
        List<ModelInput> live = new ArrayList<>(toStep.size());
        List<ModelInput> virtual = new ArrayList<>();
        for (ModelInput input : toStep) {
            (sessions.isVirtual(input.getSessionId()) ? virtual : live).add(input);
        }
        stepAndPublish(live, sources);
        stepAndPublish(virtual, sources);
    }

    private void stepAndPublish(List<ModelInput> toStep, Map<ModelInput, ConsumerRecord<String, byte[]>> sources) {
        if (toStep.isEmpty()) {
            return;
        }
        List<FrameStepper.Stepped> results;
        try {
            results = frameStepper.step(toStep, sessions::isFresh);
        } catch (RuntimeException e) {
            toStep.forEach(input -> reject(sources.get(input), input.getSessionId(), unexpected(e)));
            return;
        }
        for (FrameStepper.Stepped stepped : results) {
            ModelInput input = stepped.input();
            ConsumerRecord<String, byte[]> record = sources.get(input);
            String session = input.getSessionId();
            if (stepped.rates() != null) {
                sessions.stepped(session, input.getFrame().getFrame().getFrameIndex());
                metrics.frameStepped();
                long publishedAt = input.getFrame().getFrame().getPublishedAtUs();
                if (publishedAt > 0) {
                    metrics.sessionStepped(session, stepped.startedUs() - publishedAt);
                }
                publisher.publish(stepped, source(record), record.offset());
            } else {
                if (stepped.rejection().reason() == DeadLetterReason.NON_FINITE_PREDICTION) {
                    // its recurrent state holds the same non-finite values: every later step would too
                    sessions.end(session, stepped.rejection().detail());
                    metrics.sessionEnded(session);
                }
                reject(record, session, stepped.rejection());
            }
        }
    }

    /** Closes the sessions idle for the timeout whose partitions the consumer has read to the end. */
    private void closeIdleSessions(Consumer<String, byte[]> consumer) {
        if (idleTimeoutNanos == 0) {
            return;
        }
        List<SessionBook.Idle> idle = sessions.closeIdle(nanoClock.getAsLong(), idleTimeoutNanos, partition -> {
            OptionalLong lag = consumer.currentLag(partition);
            return lag.isPresent() && lag.getAsLong() == 0;
        });
        for (SessionBook.Idle i : idle) {
            metrics.sessionEnded(i.session());
            publisher.notice(i.session(), new Rejection(DeadLetterReason.SESSION_IDLE, "no frame for "
                    + i.idleNanos() / 1_000_000 + " ms (idle timeout " + idleTimeoutNanos / 1_000_000
                    + " ms): the worker closed the session and freed its state; start it again to go on"),
                    i.source(), i.lastOffset());
        }
        if (!idle.isEmpty()) {
            metrics.openSessions(sessions.openSessions());
        }
    }

    /** Frees the state of the sessions of partitions this worker no longer holds. */
    private void release(Collection<TopicPartition> partitions, String how) {
        List<String> released = sessions.release(partitions);
        released.forEach(metrics::sessionEnded);
        metrics.openSessions(sessions.openSessions());
        if (!released.isEmpty()) {
            LOG.info("partitions {} {}: freed the state of sessions {}", partitions, how, released);
        }
    }

    private void reject(ConsumerRecord<String, byte[]> record, String session, Rejection rejection) {
        publisher.deadLetter(session == null || session.isEmpty() ? null : session, rejection, record.value(),
                source(record), record.offset());
    }

    private static Rejection unexpected(RuntimeException e) {
        LOG.error("unexpected failure on one aligned record", e);
        return new Rejection(DeadLetterReason.WORKER_ERROR, e.toString());
    }

    private static TopicPartition source(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    /** Commits what is done of {@code partitions} (those this consumer holds), when it moved since last time. */
    private void commit(Consumer<String, byte[]> consumer, Collection<TopicPartition> partitions) {
        Set<TopicPartition> owned = Set.copyOf(partitions);
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        offsets.committable().forEach((partition, position) -> {
            if (owned.contains(partition) && !position.equals(lastCommitted.get(partition))) {
                positions.put(partition, position);
            }
        });
        if (!positions.isEmpty()) {
            consumer.commitSync(positions);
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(lastCommitted);
            committed.putAll(positions);
            lastCommitted = committed;
        }
        lastCommitNanos = System.nanoTime();
    }

    /** @return whether the worker has joined its group and holds partitions of the aligned topic */
    public boolean isAssigned() {
        return assigned;
    }

    /** @return UP while it serves; DEGRADED while its loop restarts or outputs wait to be resent; DOWN once stopped */
    public Health health() {
        if (stopped) {
            return new Health(State.DOWN, "inference worker stopped");
        }
        String reason = restartReason;
        if (reason != null) {
            return new Health(State.DEGRADED, "inference worker restarting after: " + reason);
        }
        int unsent = publisher.failedCount();
        if (unsent > 0) {
            return new Health(State.DEGRADED, unsent + " outputs failed to send and wait to be sent again");
        }
        return new Health(State.UP, "inference worker running");
    }

    /** Decodes the frame's pixels to [0, 1] floats, row-major [height, width] (session: the frame's). */
    public static FrameInput toFrameInput(AlignedFrame aligned) {
        return FrameStepper.toFrameInput(aligned.getFrame().getSessionId(), aligned);
    }

    /** Stops the loop; the worker closes its clients and the model on its own thread. */
    @Override
    public void close() {
        running = false;
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        synchronized (lock) {
            lock.notifyAll();
        }
    }
}
