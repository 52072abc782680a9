package io.twinloop.inference.session;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.model.Twin;
import io.twinloop.inference.model.network.FnnTwin;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.perspective.Periphery;
import io.twinloop.proto.Limits;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Steps a {@link Twin} for many sessions, keeping each session's recurrent state between frames.
 *
 * <p>The sessions of one {@link #step} call run as one batch: their states are concatenated on the
 * session dim, the twin runs once, and the new state is split back, so every session gets the
 * output it would get alone. Sessions on their first frame start from the twin's
 * {@link Twin#initialState} and run as a batch of their own; frames of different sizes also run apart.
 * A twin that takes one frame size (a TorchScript twin) gets every frame resized to it ({@link FrameResize});
 * fnn's network takes any size and resamples onto its retina itself.
 *
 * <p>Memory: each session's state lives in its own sub-manager of a long-lived manager (on the
 * twin's device) and is replaced every frame; everything else a step creates is released when the
 * step ends ({@link NDScope}). Grad mode is switched off on the calling thread during a step.
 * After a batched step, sessions' states are views of the batch's tensors; their memory is released
 * once every session of that batch has moved on or been closed. Sessions stepped together again, in
 * the same order, start from the batch's tensors without copying them.
 */
public final class BatchedSessionStepper implements SessionStepper {

    /**
     * The new state of sessions stepped together, as the twin left it: each tensor [n, ...], row i
     * the state of {@code members.get(i)} (whose own tensors are views of these rows). While every member
     * still holds its row, the next step of the same sessions in the same order starts from these tensors
     * as they are, instead of concatenating the members' rows again.
     */
    private static final class Batch {
        final NDManager manager;
        final NetworkState state;
        final int size;
        int live;

        Batch(NDManager manager, NetworkState state, int size) {
            this.manager = manager;
            this.state = state;
            this.size = size;
            this.live = size;
        }

        /** A member moved on: the batch tensors are freed once no member holds a row of them. */
        void release() {
            if (--live == 0) {
                manager.close();
            }
        }
    }

    /** One open session: its state and the manager that owns the state's tensors. */
    private static final class Session {
        final NDManager manager;
        NetworkState state = NetworkState.fresh();
        /** the batch whose row {@link #row} {@link #state} is, or null */
        Batch batch;
        int row;

        Session(NDManager manager) {
            this.manager = manager;
        }

        void replaceState(NetworkState next) {
            replaceState(next, null, 0);
        }

        void replaceState(NetworkState next, Batch nextBatch, int nextRow) {
            Set<NDArray> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            for (NDArray t : next.tensors().values()) {
                NDScope.unregister(t);
                t.attach(manager);
                kept.add(t);
            }
            for (NDArray old : state.tensors().values()) {
                if (!kept.contains(old)) {
                    old.close();
                }
            }
            state = next;
            if (batch != null) {
                batch.release();
            }
            batch = nextBatch;
            row = nextRow;
        }

        void close() {
            replaceState(NetworkState.fresh());
            manager.close();
        }
    }

    private final Twin twin;
    private final NDManager sessionsManager;
    private final boolean ownsTwin;
    private final Map<String, Session> sessions = new HashMap<>();

    /**
     * @param network   the twin (parameters on their device)
     * @param stream    one stream (0..S-1), or null for the mean of all (fnn's default)
     * @param periphery fnn's default is DARK
     */
    public BatchedSessionStepper(Network network, Integer stream, Periphery periphery) {
        this(new FnnTwin(network, stream, periphery), false);
    }

    /** @param twin the twin (parameters on their device); the stepper does not close it */
    public BatchedSessionStepper(Twin twin) {
        this(twin, false);
    }

    /**
     * @param twin     the twin (parameters on their device)
     * @param ownsTwin whether {@link #close} closes the twin too (its {@code close()} if it has one, else its
     *                 manager)
     */
    public BatchedSessionStepper(Twin twin, boolean ownsTwin) {
        this.twin = twin;
        this.ownsTwin = ownsTwin;
        this.sessionsManager = twin.manager().newSubManager();
    }

    /**
     * A stepper with fnn's defaults that owns {@code network}: closing it also closes the network's
     * manager (for a network built for this stepper alone, e.g. by the command line).
     */
    public static BatchedSessionStepper owning(Network network) {
        return new BatchedSessionStepper(new FnnTwin(network), true);
    }

    /** All streams averaged, dark periphery: fnn's defaults. */
    public BatchedSessionStepper(Network network) {
        this(network, null, Periphery.DARK);
    }

    /** @return the twin this stepper steps */
    public Twin twin() {
        return twin;
    }

    @Override
    public synchronized void open(String sessionId) {
        Session existing = sessions.get(sessionId);
        if (existing != null) {
            existing.replaceState(NetworkState.fresh());
            return;
        }
        sessions.put(sessionId, new Session(sessionsManager.newSubManager()));
    }

    /** The child gets its own copy of every state tensor (in the one state format), owned by its own manager. */
    @Override
    public synchronized void fork(String parent, String child) {
        Session from = sessions.get(parent);
        if (from == null) {
            throw new IllegalArgumentException("session " + parent + " is not open");
        }
        if (parent.equals(child)) {
            throw new IllegalArgumentException("session " + parent + " cannot fork into itself");
        }
        close(child);
        Session to = new Session(sessionsManager.newSubManager());
        NetworkState copy = NetworkState.fresh();
        for (Map.Entry<String, NDArray> e : from.state.tensors().entrySet()) {
            NDArray t = e.getValue().duplicate();
            t.attach(to.manager);
            copy.put(e.getKey(), t);
        }
        to.replaceState(copy);
        sessions.put(child, to);
    }

    @Override
    public synchronized void reset(String sessionId) {
        session(sessionId).replaceState(NetworkState.fresh());
    }

    @Override
    public synchronized void close(String sessionId) {
        Session session = sessions.remove(sessionId);
        if (session != null) {
            session.close();
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

    /** @return number of open sessions */
    public synchronized int sessions() {
        return sessions.size();
    }

    /** @return bytes of recurrent state held for a session (0 while fresh) */
    public synchronized long stateBytes(String sessionId) {
        return session(sessionId).state.bytes();
    }

    @Override
    public synchronized List<float[]> step(List<FrameInput> frames) {
        Set<String> seen = new HashSet<>();
        for (FrameInput frame : frames) {
            validate(frame);
            if (!seen.add(frame.sessionId())) {
                throw new IllegalArgumentException("two frames for session " + frame.sessionId() + " in one step");
            }
        }
        // fresh and warm sessions, and frames of different sizes, run as separate batches
        Map<List<Object>, List<Integer>> batches = new LinkedHashMap<>();
        for (int i = 0; i < frames.size(); i++) {
            FrameInput f = frames.get(i);
            List<Object> key = List.of(session(f.sessionId()).state.isFresh(), f.height(), f.width());
            batches.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        float[][] outputs = new float[frames.size()][];
        try (NoGrad noGrad = new NoGrad()) {
            for (List<Integer> batch : batches.values()) {
                List<FrameInput> batchFrames = new ArrayList<>(batch.size());
                for (int i : batch) {
                    batchFrames.add(frames.get(i));
                }
                float[][] batchOutputs = stepBatch(batchFrames);
                for (int k = 0; k < batch.size(); k++) {
                    outputs[batch.get(k)] = batchOutputs[k];
                }
            }
        }
        return List.of(outputs);
    }

    /** Steps sessions that are all fresh or all warm, with frames of one size. */
    private float[][] stepBatch(List<FrameInput> frames) {
        int n = frames.size();
        int height = frames.get(0).height();
        int width = frames.get(0).width();
        int p = frames.get(0).perspective().length;
        int m = frames.get(0).modulation().length;
        float[] pixels = new float[n * height * width];
        float[] perspectives = new float[n * p];
        float[] modulations = new float[n * m];
        List<Session> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FrameInput f = frames.get(i);
            System.arraycopy(f.pixels(), 0, pixels, i * height * width, height * width);
            System.arraycopy(f.perspective(), 0, perspectives, i * p, p);
            System.arraycopy(f.modulation(), 0, modulations, i * m, m);
            batch.add(session(f.sessionId()));
        }

        try (NDScope scope = new NDScope(); NDManager frameManager = sessionsManager.newSubManager()) {
            NDArray stimulus = frameManager.create(pixels, new Shape(n, 1, height, width));
            if (twin.frameSize().isPresent()) {
                stimulus = FrameResize.bilinear(stimulus, twin.frameSize().get());
            }
            NDArray perspective = frameManager.create(perspectives, new Shape(n, p));
            NDArray modulation = frameManager.create(modulations, new Shape(n, m));

            NetworkState start = batch.get(0).state.isFresh() ? twin.initialState(n, frameManager) : batchState(batch);
            Twin.Step step = twin.step(stimulus, perspective, modulation, start);
            NetworkState state = step.state();
            float[] flat = step.rates().toFloatArray();

            if (n == 1) {
                batch.get(0).replaceState(state);
            } else {
                List<NetworkState> next = state.splitSessions();
                Batch shared = new Batch(sessionsManager.newSubManager(), state, n);
                for (NDArray t : state.tensors().values()) {
                    NDScope.unregister(t);
                    t.attach(shared.manager);
                }
                for (int i = 0; i < n; i++) {
                    batch.get(i).replaceState(next.get(i), shared, i);
                }
            }
            int units = twin.units();
            float[][] out = new float[n][units];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * units, out[i], 0, units);
            }
            return out;
        }
    }

    /**
     * @return the state of warm sessions as one batch (the twin leaves it as it was, so that a failed step
     *         leaves the sessions as they were): one session's, the tensors these sessions were last
     *         stepped with (same sessions, same order), or the concatenation of theirs
     */
    private static NetworkState batchState(List<Session> batch) {
        Batch shared = batch.get(0).batch;
        boolean sameBatch = shared != null && shared.size == batch.size() && shared.live == batch.size();
        for (int i = 0; sameBatch && i < batch.size(); i++) {
            sameBatch = batch.get(i).batch == shared && batch.get(i).row == i;
        }
        if (batch.size() == 1 || sameBatch) {
            return sameBatch ? shared.state : batch.get(0).state;
        }
        List<NetworkState> parts = new ArrayList<>(batch.size());
        for (Session s : batch) {
            parts.add(s.state);
        }
        return NetworkState.concat(parts);
    }

    private void validate(FrameInput f) {
        session(f.sessionId());
        if (f.pixels() == null || f.perspective() == null || f.modulation() == null) {
            throw new IllegalArgumentException("session " + f.sessionId() + ": a frame without pixels or behaviour");
        }
        if (!Limits.frameLargeEnough(f.height(), f.width()) || f.pixels().length != (long) f.height() * f.width()) {
            throw new IllegalArgumentException("session " + f.sessionId() + ": " + f.pixels().length
                    + " pixels for a " + f.height() + " x " + f.width() + " frame");
        }
        if (f.perspective().length != twin.perspectives() || f.modulation().length != twin.modulations()) {
            throw new IllegalArgumentException("session " + f.sessionId() + ": perspective has "
                    + f.perspective().length + " values, modulation " + f.modulation().length + "; the model takes "
                    + twin.perspectives() + " and " + twin.modulations());
        }
    }

    private Session session(String sessionId) {
        Session s = sessions.get(sessionId);
        if (s == null) {
            throw new IllegalStateException("session " + sessionId + " is not open");
        }
        return s;
    }

    /** Frees every session's state. The twin stays usable, unless this stepper {@link #owning owns} it. */
    @Override
    public synchronized void close() {
        for (Session s : sessions.values()) {
            s.close();
        }
        sessions.clear();
        sessionsManager.close();
        if (ownsTwin && twin instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the twin: " + e.getMessage(), e);
            }
        } else if (ownsTwin) {
            twin.manager().close();
        }
    }
}
