package io.twinloop.simulator.rig;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.twinloop.proto.v1.EyeSample;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.SessionStop;
import io.twinloop.proto.v1.Standardisation;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.proto.v1.TreadmillSample;
import io.twinloop.simulator.behaviour.BehaviourState;
import io.twinloop.simulator.behaviour.MouseBehaviour;
import io.twinloop.simulator.behaviour.SignalStatistics;
import io.twinloop.simulator.stimuli.FrameGeometry;
import io.twinloop.simulator.stimuli.FramePixels;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session's part of the schedule: start, then frames on the display clock and eye and treadmill
 * samples on their own clocks, then stop once the frames end and each telemetry stream has a sample
 * at or after the last frame (so the aligner can interpolate every frame). Times are schedule nanoseconds since the run began; each record's publication is asked for
 * through {@link Scheduler} at an absolute time, so lateness never accumulates.
 */
final class SessionRun {
    enum Kind { START, FRAME, EYE, TREADMILL, STOP }

    /** Books the next publication of {@code kind} for this session at schedule time {@code nanos}. */
    interface Scheduler {
        void at(long nanos, SessionRun session, Kind kind);
    }

    private final SessionPlan plan;
    private final RigConfig config;
    private final Scheduler scheduler;
    private final RigClock clock;
    private final long startNanos;
    private final long firstFrameNanos;
    private final FrameGeometry geometry;
    private final SplittableRandom jitter;
    private final MouseBehaviour eyeSource;
    private final MouseBehaviour treadmillSource;
    private final float[] luminance;
    private final Executor renderer;

    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong eyeSamplesSent = new AtomicLong();
    private final AtomicLong treadmillSamplesSent = new AtomicLong();
    private volatile boolean stopped;

    private volatile boolean stopRequested;
    private long nextFrame;
    private CompletableFuture<ByteString> preparedPixels;
    private long preparedFrame = -1;
    private long eyeIndex;
    private long nextEyeNanos;
    private long treadmillIndex;
    private long nextTreadmillNanos;
    /** Display time of the last frame, once the frames have ended: telemetry runs until a sample passes it. */
    private long endNanos = Long.MAX_VALUE;
    private boolean framesDone;
    private boolean eyeDone;
    private boolean treadmillDone;
    private boolean stopScheduled;
    private long lastEyeNanos = Long.MIN_VALUE;
    private long lastTreadmillNanos = Long.MIN_VALUE;
    private long stopNanos;
    /** Rig clock at schedule time 0; known when the run's clock starts. */
    private long rigEpochMicros;

    SessionRun(SessionPlan plan, RigConfig config, RigClock clock, Scheduler scheduler, Executor renderer,
               long startNanos) {
        this.renderer = renderer;
        this.plan = plan;
        this.config = config;
        this.clock = clock;
        this.scheduler = scheduler;
        this.startNanos = startNanos;
        this.firstFrameNanos = startNanos + config.prerollMicros() * 1000;
        this.geometry = plan.stimulus().geometry();
        this.jitter = new SplittableRandom(plan.seed() ^ (config.seed() * 0x9E3779B97F4A7C15L));
        // Two readers of one deterministic trajectory, so that eye and treadmill reads never go back in time.
        long behaviourSeed = plan.seed() * 0xC2B2AE3D27D4EB4FL + 17;
        this.eyeSource = new MouseBehaviour(plan.behaviour(), behaviourSeed);
        this.treadmillSource = new MouseBehaviour(plan.behaviour(), behaviourSeed);
        this.luminance = new float[geometry.pixels()];
    }

    /** Books the session's start; {@code rigEpochMicros} is the rig clock at schedule time 0. */
    void begin(long rigEpochMicros) {
        this.rigEpochMicros = rigEpochMicros;
        scheduler.at(startNanos, this, Kind.START);
    }

    void requestStop() {
        stopRequested = true;
    }

    /** Publishes the record booked for {@code dueNanos} and books this stream's next one. */
    void publish(Kind kind, RigSink sink, long dueNanos) {
        switch (kind) {
            case START -> publishStart(sink);
            case FRAME -> publishFrame(sink, dueNanos);
            case EYE -> publishEye(sink, dueNanos);
            case TREADMILL -> publishTreadmill(sink, dueNanos);
            case STOP -> publishStop(sink);
        }
    }

    private void publishStart(RigSink sink) {
        var statistics = plan.standardisation();
        sink.control(SessionControl.newBuilder()
                .setSessionId(plan.sessionId())
                .setTimestampUs(rigMicros(startNanos))
                .setStart(SessionStart.newBuilder()
                        .setMouseId(plan.mouseId())
                        .setModelId(plan.modelId())
                        .setFrameRateHz((float) geometry.frameRateHz())
                        .setWidth(geometry.width())
                        .setHeight(geometry.height())
                        .setPupilX(standardisation(statistics.pupilX()))
                        .setPupilY(standardisation(statistics.pupilY()))
                        .setPupilRadius(standardisation(statistics.pupilRadius()))
                        .setTreadmillVelocity(standardisation(statistics.treadmillVelocity())))
                .build());
        nextEyeNanos = eyeTimestampNanos(0);
        scheduler.at(nextEyeNanos + publishJitter(config.telemetryPublishJitterMicros()), this, Kind.EYE);
        nextTreadmillNanos = treadmillTimestampNanos(0);
        scheduler.at(nextTreadmillNanos + publishJitter(config.telemetryPublishJitterMicros()), this, Kind.TREADMILL);
        scheduleFrameOrFinish(startNanos);
    }

    private static Standardisation standardisation(SignalStatistics statistics) {
        return Standardisation.newBuilder().setMean((float) statistics.mean()).setStd((float) statistics.std()).build();
    }

    /** Display time of frame k: exact to the frame clock. */
    private long frameNanos(long k) {
        return firstFrameNanos + Math.round(k * 1e9 / geometry.frameRateHz());
    }

    private void scheduleFrameOrFinish(long nowNanos) {
        if (stopRequested || nextFrame >= plan.frames()) {
            endNanos = nextFrame == 0 ? firstFrameNanos : frameNanos(nextFrame - 1);
            framesDone = true;
            eyeDone = lastEyeNanos >= endNanos;
            treadmillDone = lastTreadmillNanos >= endNanos;
            scheduleStopWhenDone(nowNanos);
            return;
        }
        if (preparedFrame != nextFrame) {
            prepareNextFrame();
        }
        scheduler.at(frameNanos(nextFrame) + publishJitter(config.framePublishJitterMicros()), this, Kind.FRAME);
    }

    /**
     * Starts rendering the next frame on the render thread, well before its deadline, so that
     * publishing on time costs nothing and a slow frame (a new scene) does not delay telemetry.
     * Frames of one session render one after another: the next starts after this one is published.
     */
    void prepareNextFrame() {
        if (nextFrame >= plan.frames()) {
            return;
        }
        long index = nextFrame;
        preparedPixels = CompletableFuture.supplyAsync(() -> {
            plan.stimulus().render(index, luminance);
            byte[] pixels = config.pixelFormat() == PixelFormat.GRAY8
                    ? FramePixels.toGray8(luminance)
                    : FramePixels.toFloat32LittleEndian(luminance);
            return UnsafeByteOperations.unsafeWrap(pixels);
        }, renderer);
        preparedFrame = index;
    }

    /** Waits for frame 0 (before the clock starts). */
    void awaitPreparedFrame() {
        if (preparedPixels != null) {
            preparedPixels.join();
        }
    }

    /** The stop follows the last frame and, for each telemetry stream, its first sample after that frame. */
    private void scheduleStopWhenDone(long nowNanos) {
        if (framesDone && eyeDone && treadmillDone && !stopScheduled) {
            stopScheduled = true;
            stopNanos = nowNanos;
            scheduler.at(nowNanos, this, Kind.STOP);
        }
    }

    private void publishFrame(RigSink sink, long dueNanos) {
        if (stopRequested) {
            scheduleFrameOrFinish(dueNanos);
            return;
        }
        StimulusFrame.Builder frame = StimulusFrame.newBuilder()
                .setSessionId(plan.sessionId())
                .setFrameIndex(nextFrame)
                .setTimestampUs(rigMicros(frameNanos(nextFrame)))
                .setWidth(geometry.width())
                .setHeight(geometry.height())
                .setPixelFormat(config.pixelFormat())
                .setPixels(preparedPixels.join());
        sink.frame(frame.setPublishedAtUs(clock.wallMicros()).build());
        framesSent.incrementAndGet();
        nextFrame++;
        if (!stopRequested) {
            prepareNextFrame();
        }
        scheduleFrameOrFinish(dueNanos);
    }

    private void publishEye(RigSink sink, long dueNanos) {
        if (eyeDone) {
            return;
        }
        BehaviourState state = eyeSource.at((nextEyeNanos - startNanos) / 1000);
        sink.telemetry(Telemetry.newBuilder().setEye(EyeSample.newBuilder()
                .setSessionId(plan.sessionId())
                .setTimestampUs(rigMicros(nextEyeNanos))
                .setPupilX((float) state.pupilX())
                .setPupilY((float) state.pupilY())
                .setPupilRadius((float) state.pupilRadius())).build());
        eyeSamplesSent.incrementAndGet();
        lastEyeNanos = nextEyeNanos;
        if (lastEyeNanos >= endNanos) {
            eyeDone = true;
            scheduleStopWhenDone(dueNanos);
            return;
        }
        nextEyeNanos = Math.max(eyeTimestampNanos(++eyeIndex), nextEyeNanos + 1000); // stays in order
        scheduler.at(nextEyeNanos + publishJitter(config.telemetryPublishJitterMicros()), this, Kind.EYE);
    }

    private void publishTreadmill(RigSink sink, long dueNanos) {
        if (treadmillDone) {
            return;
        }
        BehaviourState state = treadmillSource.at((nextTreadmillNanos - startNanos) / 1000);
        sink.telemetry(Telemetry.newBuilder().setTreadmill(TreadmillSample.newBuilder()
                .setSessionId(plan.sessionId())
                .setTimestampUs(rigMicros(nextTreadmillNanos))
                .setVelocity((float) state.velocity())).build());
        treadmillSamplesSent.incrementAndGet();
        lastTreadmillNanos = nextTreadmillNanos;
        if (lastTreadmillNanos >= endNanos) {
            treadmillDone = true;
            scheduleStopWhenDone(dueNanos);
            return;
        }
        nextTreadmillNanos = Math.max(treadmillTimestampNanos(++treadmillIndex), nextTreadmillNanos + 1000);
        scheduler.at(nextTreadmillNanos + publishJitter(config.telemetryPublishJitterMicros()), this, Kind.TREADMILL);
    }

    private void publishStop(RigSink sink) {
        sink.control(SessionControl.newBuilder()
                .setSessionId(plan.sessionId())
                .setTimestampUs(rigMicros(stopNanos))
                .setStop(SessionStop.newBuilder().setLastFrameIndex(nextFrame - 1))
                .build());
        stopped = true;
    }

    private long eyeTimestampNanos(long index) {
        return sampleNanos(index, config.eyeRateHz(), config.eyeTimestampJitterMicros());
    }

    private long treadmillTimestampNanos(long index) {
        return sampleNanos(index, config.treadmillRateHz(), config.treadmillTimestampJitterMicros());
    }

    /** Nominal grid time plus a symmetric wobble, never before the session start. */
    private long sampleNanos(long index, double rateHz, long jitterMicros) {
        long wobble = jitterMicros == 0 ? 0 : jitter.nextLong(-jitterMicros * 1000, jitterMicros * 1000 + 1);
        return Math.max(startNanos, startNanos + Math.round(index * 1e9 / rateHz) + wobble);
    }

    private long publishJitter(long maxMicros) {
        return maxMicros == 0 ? 0 : jitter.nextLong(0, maxMicros * 1000 + 1);
    }

    private long rigMicros(long scheduleNanos) {
        return rigEpochMicros + scheduleNanos / 1000;
    }

    SessionReport report() {
        return new SessionReport(plan.sessionId(), framesSent.get(), eyeSamplesSent.get(),
                treadmillSamplesSent.get(), framesSent.get() - 1, stopped);
    }

    long framesSent() {
        return framesSent.get();
    }
}
