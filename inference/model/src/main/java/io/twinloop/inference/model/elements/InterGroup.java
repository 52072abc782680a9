package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.DerivedTensors;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.Scalars;
import io.twinloop.inference.model.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * fnn's {@code elements.InterGroup}: a 1x1 convolution in which every channel group sees only the
 * other groups (the block diagonal is zero), with weight standardisation and a gain.
 *
 * <p>Keys per stream s: {@code <path>.weights.s [G, G-1, O/G, I/G]}, {@code <path>.gains.s [G, O/G]};
 * and the buffers {@code <path>.mask [G, G, 1, 1]} and {@code <path>.zero [G, G, O/G, I/G]} that fnn
 * keeps in its state_dict (taken so that checkpoints load completely; the block layout is rebuilt here).
 *
 * <pre>{@code
 * InterGroup ig = new InterGroup(hidden, in, groups, streams, gain, params, "core.recurrent.proj_x.0");
 * NDArray y = ig.forward(h, null, state);   // [N, S*I, H, W] -> [N, S*O, H, W]
 * }</pre>
 */
public final class InterGroup implements Projection {

    private final int inChannels;
    private final int streams;
    /** [S*O, I, 1, 1] */
    private final NDArray allWeights;
    /** per stream [O, I, 1, 1], views of {@link #allWeights} */
    private final List<NDArray> streamWeights = new ArrayList<>();

    /**
     * @param inChannels  I per stream, divisible by groups
     * @param outChannels O per stream, divisible by groups
     * @param groups      G &gt; 1
     * @param streams     S
     * @param gain        initial gain, or null for none
     */
    public InterGroup(int inChannels, int outChannels, int groups, int streams, Double gain,
                      StateDict params, String path) {
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Channels must be divisible by groups");
        }
        if (groups <= 1) {
            throw new IllegalArgumentException("Groups must be greater than 1");
        }
        this.inChannels = inChannels;
        this.streams = streams;
        int groupIn = inChannels / groups;
        int groupOut = outChannels / groups;
        long fanIn = (long) groupIn * (groups - 1);
        float bound = (float) Math.pow(fanIn, -0.5);

        params.take(path + ".mask", new Shape(groups, groups, 1, 1),
                (m, sh) -> m.eye(groups).logicalNot().reshape(sh));
        params.take(path + ".zero", new Shape(groups, groups, groupOut, groupIn), (m, sh) -> m.zeros(sh));

        NDList perStream = new NDList(streams);
        for (int s = 0; s < streams; s++) {
            NDArray weight = params.take(path + ".weights." + s, new Shape(groups, groups - 1, groupOut, groupIn),
                    (m, sh) -> m.randomUniform(-bound, bound, sh));
            // statistics per output channel over all other groups' inputs: rows [G, O/G, fanIn]
            NDArray rows = weight.transpose(0, 2, 1, 3).reshape(groups, groupOut, fanIn);
            NDArray centred = rows.sub(rows.mean(new int[] {2}, true));
            NDArray scale = Scalars.pow(Scalars.mul(centred.square().mean(new int[] {2}, true), fanIn).add(1e-5), -0.5);
            if (gain != null) {
                float init = gain.floatValue();
                NDArray g = params.take(path + ".gains." + s, new Shape(groups, groupOut), (m, sh) -> m.full(sh, init));
                scale = scale.mul(g.reshape(groups, groupOut, 1));
            }
            NDArray standardised = centred.mul(scale)
                    .reshape(groups, groupOut, groups - 1, groupIn).transpose(0, 2, 1, 3);
            perStream.add(blockLayout(standardised, groups).reshape(outChannels, inChannels, 1, 1));
        }
        this.allWeights = DerivedTensors.keep(params, streams == 1 ? perStream.get(0) : NDArrays.concat(perStream, 0));
        for (int s = 0; s < streams; s++) {
            streamWeights.add(streams == 1 ? allWeights
                    : DerivedTensors.keep(params, allWeights.get(s * outChannels + ":" + (s + 1) * outChannels)));
        }
    }

    /**
     * Inserts the zero diagonal blocks and orders the result as a conv weight.
     *
     * @param weight [G, G-1, O/G, I/G]: for output group o, the input groups other than o, in order
     * @return [G, O/G, G, I/G] (output group, output channel, input group, input channel)
     */
    private static NDArray blockLayout(NDArray weight, int groups) {
        NDList rows = new NDList(groups);
        Shape block = weight.getShape().slice(2);
        for (int o = 0; o < groups; o++) {
            NDArray others = weight.get(o);
            NDList row = new NDList(3);
            if (o > 0) {
                row.add(others.get("0:" + o));
            }
            row.add(weight.getManager().zeros(new Shape(1).addAll(block)));
            if (o < groups - 1) {
                row.add(others.get(o + ":"));
            }
            rows.add(NDArrays.concat(row, 0));
        }
        return NDArrays.stack(rows, 0).transpose(0, 2, 1, 3);
    }

    /**
     * @param x      [N, S*I, H, W] or [N, I, H, W]
     * @param stream one stream, or null for all
     * @param state  unused (no past)
     * @return [N, S*O, H, W] or [N, O, H, W]
     */
    @Override
    public NDArray forward(NDArray x, Integer stream, NetworkState state) {
        int expected = stream == null ? streams * inChannels : inChannels;
        if (x.getShape().get(1) != expected) {
            throw new IllegalArgumentException("InterGroup expects " + expected + " channels, got " + x.getShape());
        }
        NDArray weight = stream == null ? allWeights : streamWeights.get(stream);
        int groups = stream == null ? streams : 1;
        return Convolution2d.apply(x, weight, null, 1, 0, groups);
    }
}
