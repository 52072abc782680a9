package io.twinloop.inference.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.twinloop.inference.session.SessionStepper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Steps a {@link TorchScriptTwin} for many sessions, keeping each session's state between frames.
 *
 * <p>The sessions of one {@link #step} call run as one batch: each state tensor of theirs is concatenated on
 * dim 0, the module runs once, and the next state is split back into one [1, ...] slice per session. A fresh
 * state has the shapes of a warm one (the contract's state is explicit), so sessions at any point of their
 * recording, and frames of any size, share a batch. Frames are resized to the twin's height x width unless
 * they already have it: bilinear with antialiasing, as torch's {@code F.interpolate(mode="bilinear",
 * align_corners=False, antialias=True)} (and torchvision's and PIL's resize), so that shrinking a rig's
 * frame averages every pixel instead of sampling a few.
 *
 * <p>Memory: each session's state lives in its own sub-manager, replaced every frame; a step's temporaries
 * live in a sub-manager closed when it ends. Grad mode is off on the calling thread during a step.
 */
public final class TorchScriptSessionStepper implements SessionStepper {

    /** DJL's code for bilinear in {@code JniUtils.interpolate}, which passes antialias = true to torch. */
    private static final int BILINEAR = 2;

    private final TorchScriptTwin twin;
    private final boolean ownsTwin;
    private final NDManager root = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
    private final Map<String, NDManager> sessions = new LinkedHashMap<>();
    private final Map<String, NDList> states = new LinkedHashMap<>();

    /** @param ownsTwin whether {@link #close} closes the twin too */
    public TorchScriptSessionStepper(TorchScriptTwin twin, boolean ownsTwin) {
        this.twin = twin;
        this.ownsTwin = ownsTwin;
    }

    public TorchScriptTwin twin() {
        return twin;
    }

    @Override
    public synchronized void open(String sessionId) {
        NDManager manager = root.newSubManager();
        NDList fresh = withoutGrad(() -> twin.initialTensors(1, manager));
        NDManager old = sessions.put(sessionId, manager);
        if (old != null) {
            old.close();
        }
        states.put(sessionId, fresh);
    }

    @Override
    public synchronized void reset(String sessionId) {
        requireOpen(sessionId);
        open(sessionId);
    }

    @Override
    public synchronized void close(String sessionId) {
        NDManager manager = sessions.remove(sessionId);
        states.remove(sessionId);
        if (manager != null) {
            manager.close();
        }
    }

    @Override
    public synchronized boolean isOpen(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    @Override
    public int units() {
        return twin.units();
    }

    /** @return bytes of state each session holds */
    public long stateBytes() {
        return twin.stateBytes();
    }

    @Override
    public synchronized List<float[]> step(List<FrameInput> frames) {
        if (frames.isEmpty()) {
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        for (FrameInput frame : frames) {
            validate(frame);
            if (!seen.add(frame.sessionId())) {
                throw new IllegalArgumentException("two frames for session " + frame.sessionId() + " in one step");
            }
        }
        return withoutGrad(() -> stepBatch(frames));
    }

    private List<float[]> stepBatch(List<FrameInput> frames) {
        int n = frames.size();
        int units = twin.units();
        try (NDManager step = root.newSubManager()) {
            NDArray[] resized = new NDArray[n];
            float[] perspectives = new float[2 * n];
            float[] modulations = new float[2 * n];
            for (int i = 0; i < n; i++) {
                FrameInput f = frames.get(i);
                resized[i] = toTwin(step.create(f.pixels(), new Shape(1, 1, f.height(), f.width())));
                System.arraycopy(f.perspective(), 0, perspectives, 2 * i, 2);
                System.arraycopy(f.modulation(), 0, modulations, 2 * i, 2);
            }
            NDArray frame = n == 1 ? resized[0] : NDArrays.concat(new NDList(resized), 0);
            NDList state = batchState(frames, step);
            TorchScriptTwin.TensorStep out = twin.step(frame, step.create(perspectives, new Shape(n, 2)),
                    step.create(modulations, new Shape(n, 2)), state, step);
            float[] flat = out.rates().toFloatArray();
            List<float[]> rates = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                float[] r = new float[units];
                System.arraycopy(flat, i * units, r, 0, units);
                rates.add(r);
            }
            for (int i = 0; i < n; i++) {
                String id = frames.get(i).sessionId();
                NDManager next = root.newSubManager();
                NDList slices = new NDList();
                for (NDArray t : out.state()) {
                    // a copy, not a view: a view would keep the whole batch's storage alive
                    NDArray slice = n == 1 ? t.duplicate() : t.get(i + ":" + (i + 1)).duplicate();
                    slice.attach(next);
                    slices.add(slice);
                }
                sessions.put(id, next).close();
                states.put(id, slices);
            }
            return rates;
        }
    }

    /** Each state tensor of the batch's sessions, concatenated on dim 0: [n, ...]. */
    private NDList batchState(List<FrameInput> frames, NDManager step) {
        if (frames.size() == 1) {
            return states.get(frames.get(0).sessionId());
        }
        int tensors = states.get(frames.get(0).sessionId()).size();
        NDList batch = new NDList(tensors);
        for (int k = 0; k < tensors; k++) {
            NDList parts = new NDList(frames.size());
            for (FrameInput f : frames) {
                parts.add(states.get(f.sessionId()).get(k));
            }
            NDArray joined = NDArrays.concat(parts, 0);
            joined.attach(step);
            batch.add(joined);
        }
        return batch;
    }

    /** [1, 1, h, w] in [0, 1] -> [1, 1, H, W]: bilinear, align_corners = false, antialiased. */
    private NDArray toTwin(NDArray frame) {
        Shape shape = frame.getShape();
        if (shape.get(2) == twin.height() && shape.get(3) == twin.width()) {
            return frame;
        }
        return JniUtils.interpolate((PtNDArray) frame, new long[] {twin.height(), twin.width()}, BILINEAR, false);
    }

    private void validate(FrameInput f) {
        requireOpen(f.sessionId());
        if (f.height() <= 0 || f.width() <= 0 || f.pixels() == null
                || f.pixels().length != (long) f.height() * f.width()) {
            throw new IllegalArgumentException("session " + f.sessionId() + ": frame of " + f.height() + " x "
                    + f.width() + " with " + (f.pixels() == null ? 0 : f.pixels().length) + " pixels");
        }
        if (f.perspective() == null || f.perspective().length != 2 || f.modulation() == null
                || f.modulation().length != 2) {
            throw new IllegalArgumentException("session " + f.sessionId()
                    + ": the twin takes 2 perspective and 2 modulation values per frame");
        }
    }

    private void requireOpen(String sessionId) {
        if (!sessions.containsKey(sessionId)) {
            throw new IllegalArgumentException("session " + sessionId + " is not open");
        }
    }

    private static <T> T withoutGrad(java.util.function.Supplier<T> body) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    @Override
    public synchronized void close() {
        sessions.clear();
        states.clear();
        root.close();
        if (ownsTwin) {
            twin.close();
        }
    }
}
