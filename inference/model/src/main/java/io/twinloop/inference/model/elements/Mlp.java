package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import io.twinloop.inference.model.Scalars;
import io.twinloop.inference.model.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * fnn's {@code elements.Mlp}: a stack of {@link Linear} layers (gain 1, bias 0, optional wnorm), each
 * followed by its nonlinearity and variance-preserving gain.
 *
 * <p>Keys: {@code <path>.linears.k} for layer k.
 *
 * <pre>{@code
 * Mlp mlp = new Mlp(2, List.of(16, 16, 16), List.of(true, true, true),
 *         List.of(Nonlinearity.GELU, Nonlinearity.GELU, Nonlinearity.GELU), 1, params, "perspective.mlp");
 * NDArray y = mlp.forward(x, null);   // [N, S*F] -> [N, S*F']
 * }</pre>
 */
public final class Mlp {

    private final List<Linear> linears = new ArrayList<>();
    private final List<Nonlinearity> nonlinears;
    private final int outFeatures;

    /**
     * @param inFeatures     input features per stream
     * @param outFeatures    output features of each layer
     * @param outWnorms      weight standardisation of each layer
     * @param outNonlinears  nonlinearity after each layer
     * @param streams        S
     */
    public Mlp(int inFeatures, List<Integer> outFeatures, List<Boolean> outWnorms, List<Nonlinearity> outNonlinears,
               int streams, StateDict params, String path) {
        if (outFeatures.size() != outWnorms.size() || outFeatures.size() != outNonlinears.size()) {
            throw new IllegalArgumentException("Mlp layer lists differ in length");
        }
        int in = inFeatures;
        for (int k = 0; k < outFeatures.size(); k++) {
            int out = outFeatures.get(k);
            linears.add(new Linear(Conv.builder(in, out).streams(streams).wnorm(outWnorms.get(k)),
                    params, path + ".linears." + k));
            in = out;
        }
        this.nonlinears = List.copyOf(outNonlinears);
        this.outFeatures = in;
    }

    /** @return output features per stream of the last layer */
    public int outFeatures() {
        return outFeatures;
    }

    /**
     * @param x      [N, S*F] (stream null) or [N, F]
     * @param stream one stream, or null for all
     * @return [N, S*F'] or [N, F']
     */
    public NDArray forward(NDArray x, Integer stream) {
        for (int k = 0; k < linears.size(); k++) {
            x = linears.get(k).forward(x, stream);
            x = Scalars.mul(nonlinears.get(k).apply(x), nonlinears.get(k).gamma());
        }
        return x;
    }
}
