package io.twinloop.simulator.rig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A rig running N sessions at once: per session a start, frames at the display rate, eye and
 * treadmill samples each on its own clock and each published at its own time, and a stop with the
 * last frame index. One thread walks a single queue of absolute deadlines (earliest first), so the
 * records of all sessions interleave as they would on real rigs and lateness never accumulates; a
 * second thread renders each session's next frame ahead of its deadline.
 * Records go to a {@link RigSink}: Kafka via {@link KafkaRigSink}, or anything else in tests.
 */
public final class RigSimulator {
    private final RigConfig config;
    private final List<SessionPlan> plans;
    private final RigSink sink;
    private final RigClock clock;
    private final Map<String, SessionRun> sessions = new LinkedHashMap<>();
    private final PriorityQueue<Due> queue = new PriorityQueue<>();
    /** Renders frames ahead of their deadlines, off the publishing thread. */
    private final ExecutorService renderer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "rig-renderer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopRequested;
    private volatile boolean started;
    private long sequence;
    private volatile long maxLatenessNanos;
    private volatile long meanLatenessNanos;

    /** A publication booked at schedule time {@code nanos}; ties keep booking order. */
    private record Due(long nanos, long sequence, SessionRun session, SessionRun.Kind kind) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            int byTime = Long.compare(nanos, other.nanos);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    public RigSimulator(RigConfig config, List<SessionPlan> plans, RigSink sink) {
        this(config, plans, sink, config.pacing().clock());
    }

    RigSimulator(RigConfig config, List<SessionPlan> plans, RigSink sink, RigClock clock) {
        this.config = config;
        this.plans = List.copyOf(plans);
        this.sink = sink;
        this.clock = clock;
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (SessionPlan plan : this.plans) {
            if (!ids.add(plan.sessionId())) {
                throw new IllegalArgumentException("duplicate session id " + plan.sessionId());
            }
        }
    }

    /**
     * Runs every session to its end (its frame count, or {@link #stop()}) on the calling thread;
     * returns what was sent per session, in plan order.
     */
    public RigReport run() throws InterruptedException {
        synchronized (this) {
            if (started) {
                throw new IllegalStateException("a RigSimulator runs once");
            }
            started = true;
        }
        SplittableRandom stagger = new SplittableRandom(config.seed());
        SessionRun.Scheduler scheduler = (nanos, session, kind) -> queue.add(new Due(nanos, sequence++, session, kind));
        for (SessionPlan plan : plans) {
            long offset = config.sessionStaggerMicros() == 0 ? 0 : stagger.nextLong(config.sessionStaggerMicros() * 1000);
            SessionRun session = new SessionRun(plan, config, clock, scheduler, renderer, offset);
            session.prepareNextFrame(); // frame 0 before the clock starts: the first deadlines are met
            session.awaitPreparedFrame();
            synchronized (sessions) {
                sessions.put(plan.sessionId(), session);
            }
            if (stopRequested) {
                session.requestStop();
            }
        }
        // The schedule's time 0: the rig clock reads the wall clock now (unless fixed by the config).
        long origin = clock.nanoTime();
        long rigEpochMicros = config.rigEpochMicros() >= 0 ? config.rigEpochMicros() : clock.wallMicros();
        synchronized (sessions) {
            sessions.values().forEach(session -> session.begin(rigEpochMicros));
        }
        long latenessSum = 0;
        long published = 0;
        try {
            while (!queue.isEmpty()) {
                Due due = queue.poll();
                long deadline = origin + due.nanos();
                clock.sleepUntil(deadline);
                long lateness = clock.nanoTime() - deadline;
                maxLatenessNanos = Math.max(maxLatenessNanos, lateness);
                latenessSum += lateness;
                meanLatenessNanos = latenessSum / ++published;
                due.session().publish(due.kind(), sink, due.nanos());
            }
        } finally {
            renderer.shutdownNow();
            sink.flush();
        }
        return report();
    }

    /** Runs on a new thread; the future completes with the report when every session has stopped. */
    public CompletableFuture<RigReport> start() {
        CompletableFuture<RigReport> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "rig-simulator");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /**
     * Ends every session soon: no frame after the next display deadline, telemetry until a sample
     * passes the last frame, then each session's stop. Safe from any thread; {@link #run()} then returns.
     */
    public void stop() {
        stopRequested = true;
        synchronized (sessions) {
            sessions.values().forEach(SessionRun::requestStop);
        }
    }

    /** Frames published so far for {@code sessionId} (0 for an unknown or not yet started session). */
    public long framesSent(String sessionId) {
        synchronized (sessions) {
            SessionRun session = sessions.get(sessionId);
            return session == null ? 0 : session.framesSent();
        }
    }

    /** Counts so far, per session in plan order. */
    public RigReport report() {
        List<SessionReport> reports = new ArrayList<>();
        synchronized (sessions) {
            sessions.values().forEach(session -> reports.add(session.report()));
        }
        return new RigReport(reports, maxLatenessNanos / 1000, meanLatenessNanos / 1000.0);
    }
}
