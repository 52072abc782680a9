package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.ParityResources;
import io.twinloop.inference.model.StateDict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static io.twinloop.inference.model.ParityResources.assertClose;

/**
 * fnn's elements against outputs of the reference implementation (resources/elements-parity, made by
 * src/test/python/make_parity.py): all streams at once and one stream, over consecutive frames.
 */
class ElementsParityTest {

    private static final double TOL = 1e-5;
    private static final int S = 3;
    private static NDManager manager;
    private static ParityResources data;
    private static StateDict params;
    private static Conv conv;
    private static Conv inconv;
    private static InterGroup intergroup;
    private static Lstm lstm;
    private static Mlp mlp;

    @BeforeAll
    static void build() {
        manager = NDManager.newBaseManager();
        data = new ParityResources("elements-parity", manager);
        params = StateDict.of(manager, data.params());
        conv = Conv.builder(4, 6).inGroups(2).outGroups(2).streams(S).temporal(3).spatial(3).build(params, "conv");
        inconv = Conv.builder(2, 4).outGroups(2).streams(S).temporal(2).spatial(4).stride(2)
                .pad(Padding.REPLICATE).wnorm(false).build(params, "inconv");
        intergroup = new InterGroup(6, 8, 2, S, 0.7, params, "intergroup");
        lstm = new Lstm(3, 5, S, params, "lstm");
        mlp = new Mlp(2, List.of(4, 3), List.of(true, false), List.of(Nonlinearity.GELU, Nonlinearity.TANH), S,
                params, "mlp");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void everyParameterIsTaken() {
        params.requireAllUsed();
    }

    @Test
    void temporalGroupedConv() {
        checkFrames("conv", 4, (x, s) -> (st -> conv.forward(x, s, st)));
    }

    @Test
    void stridedReplicatePaddedConvWithoutWnorm() {
        checkFrames("inconv", 2, (x, s) -> (st -> inconv.forward(x, s, st)));
    }

    @Test
    void lstmOverFrames() {
        checkFrames("lstm", 3, (x, s) -> (st -> lstm.forward(x, s, st)));
    }

    @Test
    void interGroup() {
        NDArray x = data.array("intergroup_x");
        assertClose(data.array("intergroup_y_all"), intergroup.forward(x, null, null), TOL, "intergroup all");
        assertClose(data.array("intergroup_y_s1"), intergroup.forward(streamSlice(x, 1), 1, null), TOL,
                "intergroup s1");
    }

    @Test
    void mlpWithAndWithoutWnorm() {
        NDArray x = data.array("mlp_x");
        assertClose(data.array("mlp_y_all"), mlp.forward(x, null), TOL, "mlp all");
        assertClose(data.array("mlp_y_s1"), mlp.forward(streamSlice(x, 1), 1), TOL, "mlp s1");
    }

    /** A step of a stateful module: frame input and stream to a function of the state. */
    private interface Step extends BiFunction<NDArray, Integer, java.util.function.Function<NetworkState, NDArray>> {
    }

    /** Runs 3 frames from a fresh state, for all streams and for stream 1, against {name}_y_{all,s1}. */
    private static void checkFrames(String name, int channels, Step step) {
        NDArray x = data.array(name + "_x");
        for (Integer stream : new Integer[] {null, 1}) {
            NetworkState state = NetworkState.fresh();
            List<NDArray> ys = new ArrayList<>();
            for (int t = 0; t < x.getShape().get(0); t++) {
                NDArray frame = x.get(t);
                if (stream != null) {
                    frame = frame.get(":, " + stream * channels + ":" + (stream + 1) * channels);
                }
                ys.add(step.apply(frame, stream).apply(state));
            }
            String tag = stream == null ? "all" : "s1";
            assertClose(data.array(name + "_y_" + tag), NDArrays.stack(new NDList(ys), 0), TOL, name + " " + tag);
        }
    }

    private static NDArray streamSlice(NDArray x, int stream) {
        long c = x.getShape().get(1) / S;
        return x.get(":, " + stream * c + ":" + (stream + 1) * c);
    }
}
