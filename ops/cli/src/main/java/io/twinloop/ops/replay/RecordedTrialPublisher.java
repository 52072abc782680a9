package io.twinloop.ops.replay;

import com.google.protobuf.ByteString;
import io.twinloop.proto.WallClock;
import io.twinloop.proto.v1.EyeSample;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.SessionStop;
import io.twinloop.proto.v1.Standardisation;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.proto.v1.TreadmillSample;
import io.twinloop.simulator.recording.TrialBehaviour;
import io.twinloop.simulator.recording.TwinloopExtrasReader.FullFrames;
import io.twinloop.simulator.rig.RigSink;


/**
 * Publishes one recorded trial as a rig would have: session start, then frames at the frame rate and
 * eye and treadmill samples at their own recorded times, merged in time order, then the stop.
 * Real-time pacing sleeps until each record's time; otherwise records go out as fast as possible.
 */
final class RecordedTrialPublisher {

    /** Behaviour standardisation declared in the start message (the recording's training statistics). */
    record Statistics(Standardisation pupilX, Standardisation pupilY, Standardisation pupilRadius,
                      Standardisation velocity) {
    }

    private final RigSink sink;
    private final String modelId;
    private final double frameRateHz;
    private final Statistics statistics;
    private final boolean realTime;

    RecordedTrialPublisher(RigSink sink, String modelId, double frameRateHz, Statistics statistics,
                           boolean realTime) {
        this.sink = sink;
        this.modelId = modelId;
        this.frameRateHz = frameRateHz;
        this.statistics = statistics;
        this.realTime = realTime;
    }

    /** Publishes the trial as session {@code sessionId}; returns the number of frames sent. */
    int publish(String sessionId, FullFrames frames, TrialBehaviour behaviour) throws InterruptedException {
        long startNanos = System.nanoTime();
        sink.control(SessionControl.newBuilder().setSessionId(sessionId).setTimestampUs(0)
                .setStart(SessionStart.newBuilder().setMouseId("recorded").setModelId(modelId)
                        .setFrameRateHz((float) frameRateHz).setWidth(frames.width()).setHeight(frames.height())
                        .setPupilX(statistics.pupilX()).setPupilY(statistics.pupilY())
                        .setPupilRadius(statistics.pupilRadius()).setTreadmillVelocity(statistics.velocity()))
                .build());
        double[][] eye = behaviour.eye();
        double[][] treadmill = behaviour.treadmill();
        int e = 0;
        int t = 0;
        int f = 0;
        int frameCount = frames.frames().length;
        while (f < frameCount || e < eye.length || t < treadmill.length) {
            double frameTime = f < frameCount ? f / frameRateHz : Double.MAX_VALUE;
            double eyeTime = e < eye.length ? eye[e][0] : Double.MAX_VALUE;
            double treadmillTime = t < treadmill.length ? treadmill[t][0] : Double.MAX_VALUE;
            double next = Math.min(frameTime, Math.min(eyeTime, treadmillTime));
            waitUntil(startNanos, next);
            if (next == eyeTime) {
                sink.telemetry(Telemetry.newBuilder().setEye(EyeSample.newBuilder().setSessionId(sessionId)
                        .setTimestampUs(micros(eyeTime)).setPupilX((float) eye[e][1]).setPupilY((float) eye[e][2])
                        .setPupilRadius((float) eye[e][3])).build());
                e++;
            } else if (next == treadmillTime) {
                sink.telemetry(Telemetry.newBuilder().setTreadmill(TreadmillSample.newBuilder()
                        .setSessionId(sessionId).setTimestampUs(micros(treadmillTime))
                        .setVelocity((float) treadmill[t][1])).build());
                t++;
            } else {
                sink.frame(StimulusFrame.newBuilder().setSessionId(sessionId).setFrameIndex(f)
                        .setTimestampUs(micros(frameTime)).setWidth(frames.width()).setHeight(frames.height())
                        .setPixelFormat(PixelFormat.GRAY8).setPixels(ByteString.copyFrom(frames.frames()[f]))
                        .setPublishedAtUs(WallClock.nowMicros()).build());
                f++;
            }
        }
        sink.control(SessionControl.newBuilder().setSessionId(sessionId)
                .setTimestampUs(micros(frameCount / frameRateHz))
                .setStop(SessionStop.newBuilder().setLastFrameIndex(frameCount - 1)).build());
        return frameCount;
    }

    private void waitUntil(long startNanos, double seconds) throws InterruptedException {
        if (!realTime) {
            return;
        }
        long due = startNanos + Math.round(Math.max(0, seconds) * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static long micros(double seconds) {
        return Math.round(seconds * 1e6);
    }

}
