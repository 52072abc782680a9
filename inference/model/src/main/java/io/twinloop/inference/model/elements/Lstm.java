package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;

import java.util.List;

/**
 * fnn's {@code elements.Lstm}: an LSTM cell on feature vectors, independent per stream, whose four
 * gates are {@link Linear}s of the group-wise concatenation [x, h] (inference: dropout is identity).
 *
 * <p>Keys: {@code <path>.proj_i}, {@code .proj_f}, {@code .proj_g}, {@code .proj_o} (each a Linear of
 * I+O to O features per stream; i and f start with biases initInput = -1 and initForget = 1).
 * State: {@code <path>.h} and {@code <path>.c}, each {@code [N, S*O]} (or {@code [N, O]} for one
 * stream); a fresh state starts from zeros, as fnn after reset().
 *
 * <pre>{@code
 * Lstm lstm = new Lstm(16, 16, 4, params, "modulation.lstm");
 * NDArray h = lstm.forward(x, null, state);   // [N, S*I] -> [N, S*O]
 * }</pre>
 */
public final class Lstm {

    private final int outFeatures;
    private final int streams;
    private final Linear projI;
    private final Linear projF;
    private final Linear projG;
    private final Linear projO;
    private final String hKey;
    private final String cKey;

    /**
     * @param inFeatures  I per stream
     * @param outFeatures O per stream
     * @param streams     S
     * @param wnorm       weight standardisation of the gate projections
     * @param initInput   initial input-gate bias
     * @param initForget  initial forget-gate bias
     */
    public Lstm(int inFeatures, int outFeatures, int streams, boolean wnorm, double initInput, double initForget,
                StateDict params, String path) {
        this.outFeatures = outFeatures;
        this.streams = streams;
        int in = inFeatures + outFeatures;
        this.projI = gate(in, outFeatures, streams, wnorm, initInput, params, path + ".proj_i");
        this.projF = gate(in, outFeatures, streams, wnorm, initForget, params, path + ".proj_f");
        this.projG = gate(in, outFeatures, streams, wnorm, 0, params, path + ".proj_g");
        this.projO = gate(in, outFeatures, streams, wnorm, 0, params, path + ".proj_o");
        this.hKey = path + ".h";
        this.cKey = path + ".c";
    }

    /** fnn's defaults: wnorm, initInput = -1, initForget = 1. */
    public Lstm(int inFeatures, int outFeatures, int streams, StateDict params, String path) {
        this(inFeatures, outFeatures, streams, true, -1, 1, params, path);
    }

    private static Linear gate(int in, int out, int streams, boolean wnorm, double bias, StateDict params,
                               String path) {
        return new Linear(Conv.builder(in, out).streams(streams).wnorm(wnorm).bias(bias), params, path);
    }

    /** @return output features per stream */
    public int outFeatures() {
        return outFeatures;
    }

    /**
     * @param x      [N, S*I] (stream null) or [N, I]
     * @param stream one stream, or null for all
     * @param state  reads and writes {@code <path>.h}, {@code <path>.c}
     * @return h, [N, S*O] or [N, O]
     */
    public NDArray forward(NDArray x, Integer stream, NetworkState state) {
        int s = stream == null ? streams : 1;
        NDArray h = state.get(hKey, x.getManager());
        NDArray c = state.get(cKey, x.getManager());
        if (h == null) {
            h = x.getManager().zeros(new Shape(x.getShape().get(0), (long) s * outFeatures));
            c = h;
        }
        NDArray xh = Groups.cat(List.of(x, h), s);
        NDArray i = Activation.sigmoid(projI.forward(xh, stream));
        NDArray f = Activation.sigmoid(projF.forward(xh, stream));
        NDArray g = projG.forward(xh, stream).tanh();
        NDArray o = Activation.sigmoid(projO.forward(xh, stream));
        c = f.mul(c).add(i.mul(g));
        h = o.mul(c.tanh());
        state.put(cKey, c);
        state.put(hKey, h);
        return h;
    }
}
