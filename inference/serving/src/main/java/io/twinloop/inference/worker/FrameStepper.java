package io.twinloop.inference.worker;

import io.twinloop.inference.session.SessionStepper;
import io.twinloop.inference.session.SessionStepper.FrameInput;
import io.twinloop.proto.WallClock;
import io.twinloop.proto.v1.AlignedFrame;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.StimulusFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Steps one round of frames (at most one per session) and says, per frame, what came out: the rates of every
 * unit, or why there are none. Frames go to the stepper in groups that it steps as one batch (fresh or warm
 * sessions, one frame size), so a step that throws has changed no session's state and each frame of the
 * group can be stepped again alone: one bad session fails only its own frame.
 */
final class FrameStepper {

    private static final Logger LOG = LoggerFactory.getLogger(FrameStepper.class);

    /**
     * The result for one frame.
     *
     * @param rates     the predicted rates [U], or null when rejected
     * @param rejection why there are no rates: the step threw, or gave a non-finite value
     * @param batchSize sessions stepped together with this frame
     */
    record Stepped(ModelInput input, float[] rates, Rejection rejection, long startedUs, long finishedUs,
                   int batchSize) {
    }

    /** Told the wall time of every call of the model. */
    interface StepObserver {
        void stepped(int batchSize, long micros);
    }

    private final SessionStepper stepper;
    private final StepObserver observer;

    FrameStepper(SessionStepper stepper, StepObserver observer) {
        this.stepper = stepper;
        this.observer = observer;
    }

    /**
     * @param frames frames of different sessions, each open in the stepper
     * @param fresh  whether a session has not been stepped since it opened
     * @return one result per frame, in the order of {@code frames}
     */
    List<Stepped> step(List<ModelInput> frames, Predicate<String> fresh) {
        Map<List<Object>, List<ModelInput>> groups = new LinkedHashMap<>();
        for (ModelInput input : frames) {
            StimulusFrame frame = input.getFrame().getFrame();
            groups.computeIfAbsent(List.of(fresh.test(input.getSessionId()), frame.getHeight(), frame.getWidth()),
                    k -> new ArrayList<>()).add(input);
        }
        Map<ModelInput, Stepped> results = new IdentityHashMap<>();
        for (List<ModelInput> group : groups.values()) {
            stepGroup(group, results);
        }
        List<Stepped> out = new ArrayList<>(frames.size());
        for (ModelInput input : frames) {
            out.add(results.get(input));
        }
        return out;
    }

    private void stepGroup(List<ModelInput> group, Map<ModelInput, Stepped> results) {
        long started = WallClock.nowMicros();
        List<float[]> outputs;
        try {
            List<FrameInput> inputs = new ArrayList<>(group.size());
            for (ModelInput input : group) {
                inputs.add(toFrameInput(input.getSessionId(), input.getFrame()));
            }
            outputs = stepper.step(inputs);
        } catch (RuntimeException e) {
            if (group.size() > 1) {
                // the whole group failed and no state changed: find the frame that fails by stepping each alone
                for (ModelInput input : group) {
                    stepGroup(List.of(input), results);
                }
                return;
            }
            ModelInput input = group.get(0);
            LOG.warn("model step failed for session {}: {}", input.getSessionId(), e.toString());
            results.put(input, new Stepped(input, null, new Rejection(DeadLetterReason.MODEL_STEP_FAILED,
                    "frame " + input.getFrame().getFrame().getFrameIndex() + ": " + e), started,
                    WallClock.nowMicros(), 1));
            return;
        }
        long finished = WallClock.nowMicros();
        observer.stepped(group.size(), finished - started);
        for (int i = 0; i < group.size(); i++) {
            ModelInput input = group.get(i);
            float[] rates = outputs.get(i);
            int bad = firstNonFinite(rates);
            Rejection rejection = bad < 0 ? null : new Rejection(DeadLetterReason.NON_FINITE_PREDICTION, "frame "
                    + input.getFrame().getFrame().getFrameIndex() + ": unit " + bad + " predicted " + rates[bad]);
            results.put(input, new Stepped(input, bad < 0 ? rates : null, rejection, started, finished,
                    group.size()));
        }
    }

    private static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Decodes the frame's pixels to [0, 1] floats, row-major [height, width], for session {@code session}. */
    static FrameInput toFrameInput(String session, AlignedFrame aligned) {
        StimulusFrame frame = aligned.getFrame();
        int n = frame.getWidth() * frame.getHeight();
        float[] pixels = new float[n];
        ByteBuffer bytes = frame.getPixels().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (frame.getPixelFormat()) {
            case GRAY8 -> {
                for (int i = 0; i < n; i++) {
                    pixels[i] = (bytes.get(i) & 0xff) / 255f;
                }
            }
            case GRAY_F32 -> bytes.asFloatBuffer().get(pixels);
            default -> throw new IllegalArgumentException("unsupported pixel format " + frame.getPixelFormat());
        }
        return new FrameInput(session, pixels, frame.getHeight(), frame.getWidth(),
                new float[] {aligned.getPupilX(), aligned.getPupilY()},
                new float[] {aligned.getPupilRadius(), aligned.getTreadmillVelocity()});
    }
}
