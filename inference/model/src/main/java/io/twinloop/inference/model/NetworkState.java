package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recurrent state of a whole network for a batch of sessions, carried from one frame to the next.
 *
 * <p>Where fnn keeps {@code self._past} inside each module, twinloop passes the state explicitly so
 * that sessions can be batched, split and moved: every tensor is keyed by the path of the module that
 * owns it (e.g. {@code core.recurrent.h}) and has the session on dim 0 ({@code [N, ...]}). An empty
 * state is a fresh one (fnn's {@code reset()}): each module starts from its own initial value.
 *
 * <p>A module reads its past with {@link #get} and writes its new state with {@link #put}; the new
 * tensors replace the old ones, which the caller's {@link NDManager} scope releases.
 */
public final class NetworkState {

    private final Map<String, NDArray> tensors = new LinkedHashMap<>();

    /** @return a fresh state (no past), as after fnn's {@code reset()} */
    public static NetworkState fresh() {
        return new NetworkState();
    }

    /** @return true if no module has written state yet */
    public boolean isFresh() {
        return tensors.isEmpty();
    }

    /** @return the state tensor of a module, {@code [N, ...]}, or null on the first frame */
    public NDArray get(String key) {
        return tensors.get(key);
    }

    /**
     * Reads a module's state for use in a frame whose tensors belong to {@code scope}.
     *
     * <p>DJL gives the result of an operation to the manager of its first operand. A module that computes
     * with its past would otherwise leave every intermediate in the (long-lived) manager that holds the
     * state; through this view (no copy) they stay in the frame's scope.
     *
     * @return a view of the state tensor owned by {@code scope}, or null on the first frame
     */
    public NDArray get(String key, NDManager scope) {
        NDArray t = tensors.get(key);
        if (t == null || t.getManager() == scope) {
            return t;
        }
        NDArray view = t.reshape(t.getShape());
        view.attach(scope);
        return view;
    }

    /** Stores a module's new state tensor, {@code [N, ...]}. */
    public void put(String key, NDArray value) {
        tensors.put(key, value);
    }

    public Map<String, NDArray> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /** @return number of sessions in this state, or 0 when fresh */
    public long batchSize() {
        return tensors.isEmpty() ? 0 : tensors.values().iterator().next().getShape().get(0);
    }

    /** @return bytes held by the state tensors */
    public long bytes() {
        long total = 0;
        for (NDArray t : tensors.values()) {
            total += t.size() * t.getDataType().getNumOfBytes();
        }
        return total;
    }

    /** Moves every tensor into {@code manager}, so that it outlives the frame's scope. */
    public NetworkState attach(NDManager manager) {
        for (NDArray t : tensors.values()) {
            t.attach(manager);
        }
        return this;
    }

    /** Closes every tensor. */
    public void close() {
        for (NDArray t : tensors.values()) {
            t.close();
        }
        tensors.clear();
    }

    /**
     * Concatenates the states of several batches along dim 0 (all warm, same keys).
     *
     * @param parts states [N_i, ...] in batch order
     * @return state [sum N_i, ...]
     */
    public static NetworkState concat(List<NetworkState> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        NetworkState out = new NetworkState();
        for (String key : parts.get(0).tensors.keySet()) {
            NDList list = new NDList(parts.size());
            for (NetworkState part : parts) {
                NDArray t = part.tensors.get(key);
                if (t == null) {
                    throw new IllegalArgumentException("state key " + key + " missing from one batch part");
                }
                list.add(t);
            }
            out.put(key, NDArrays.concat(list, 0));
        }
        return out;
    }

    /**
     * Splits a batch state into one state per session.
     *
     * @return N states, each [1, ...]
     */
    public List<NetworkState> splitSessions() {
        long n = batchSize();
        List<NetworkState> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new NetworkState());
        }
        if (n == 1) {
            out.set(0, this);
            return out;
        }
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDList pieces = e.getValue().split(n, 0);
            for (int i = 0; i < n; i++) {
                out.get(i).put(e.getKey(), pieces.get(i));
            }
        }
        return out;
    }
}
