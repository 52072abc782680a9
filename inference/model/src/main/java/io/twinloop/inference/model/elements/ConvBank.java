package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.DerivedTensors;
import io.twinloop.inference.model.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * Several {@link Conv}s of one input that differ only in their parameters (an LSTM's gates; attention's
 * query, key and value projections), run as one grouped conv2d: their weights are interleaved group by
 * group, so that every group computes all members at once (one larger matrix product instead of several
 * small ones, one read of the input). Each member's output is the same as its own conv's.
 *
 * <pre>{@code
 * ConvBank gates = new ConvBank(List.of(projI, projF, projG, projO), params);
 * List<NDArray> ifgo = gates.forward(x, null);   // x [N, S*I, H, W] -> 4 x [N, S*inGroups, O/inGroups, H', W']
 * }</pre>
 */
public final class ConvBank {

    private final int members;
    private final int streams;
    private final int inGroups;
    private final int stride;
    private final int padding;
    /** [S*inGroups*M*Og, I', K, K]: stream, group, member, output channel of the group */
    private final NDArray allWeights;
    private final List<NDArray> streamWeights;
    /** [S*inGroups*M*Og] (zeros for a member without bias), or null if no member has one */
    private final NDArray allBiases;
    private final List<NDArray> streamBiases;

    /**
     * @param convs plain convolutions (no temporal past, no replicate padding) of the same input channels,
     *              groups, streams, kernel, stride and padding, with the same number of outputs
     */
    public ConvBank(List<Conv> convs, StateDict params) {
        Conv first = convs.get(0);
        for (Conv c : convs) {
            if (!c.isPlain() || c.streams() != first.streams() || c.inGroups() != first.inGroups()
                    || c.stride() != first.stride() || c.zeroPadding() != first.zeroPadding()
                    || !c.streamWeights(0).getShape().equals(first.streamWeights(0).getShape())) {
                throw new IllegalArgumentException("a conv bank needs plain convs of one shape");
            }
        }
        this.members = convs.size();
        this.streams = first.streams();
        this.inGroups = first.inGroups();
        this.stride = first.stride();
        this.padding = first.zeroPadding();
        boolean anyBias = convs.stream().anyMatch(c -> c.streamBiases(0) != null);
        NDList weights = new NDList(streams);
        NDList biases = new NDList(streams);
        for (int s = 0; s < streams; s++) {
            NDList w = new NDList(members);
            NDList b = new NDList(members);
            for (Conv c : convs) {
                NDArray weight = c.streamWeights(s);
                w.add(weight);
                NDArray bias = c.streamBiases(s);
                b.add(bias != null ? bias : weight.getManager().zeros(new Shape(weight.getShape().get(0))));
            }
            weights.add(interleave(w));
            biases.add(interleave(b));
        }
        this.allWeights = DerivedTensors.keep(params, Conv.concat(weights));
        this.streamWeights = Conv.streamViews(params, allWeights, streams);
        this.allBiases = anyBias ? DerivedTensors.keep(params, Conv.concat(biases)) : null;
        this.streamBiases = anyBias ? Conv.streamViews(params, allBiases, streams) : null;
    }

    /**
     * @param perMember M x [O, ...] one stream's rows of each member, group-major (inGroups groups of O/inGroups)
     * @return [inGroups*M*(O/inGroups), ...]: group, member, row
     */
    private NDArray interleave(NDList perMember) {
        NDList grouped = new NDList(members);
        for (NDArray t : perMember) {
            Shape shape = t.getShape();
            grouped.add(t.reshape(new Shape(inGroups, shape.get(0) / inGroups).addAll(shape.slice(1))));
        }
        NDArray stacked = NDArrays.stack(grouped, 1);
        return stacked.reshape(new Shape(-1).addAll(stacked.getShape().slice(3)));
    }

    /**
     * @param x      [N, S*I, H, W] (stream null) or [N, I, H, W]
     * @param stream one stream, or null for all
     * @return per member, a view [N, G, O/inGroups, H', W'] (G = S*inGroups, or inGroups for one stream)
     */
    public List<NDArray> forward(NDArray x, Integer stream) {
        NDArray weight = stream == null ? allWeights : streamWeights.get(stream);
        NDArray bias = allBiases == null ? null : stream == null ? allBiases : streamBiases.get(stream);
        int groups = stream == null ? inGroups * streams : inGroups;
        NDArray y = Convolution2d.apply(x, weight, bias, stride, padding, groups);
        Shape shape = y.getShape();
        // [N, G, M, Og, H', W']
        NDArray split = y.reshape(shape.get(0), groups, members, -1, shape.get(2), shape.get(3));
        List<NDArray> out = new ArrayList<>(members);
        for (int m = 0; m < members; m++) {
            out.add(split.get(":, :, " + m));
        }
        return out;
    }
}
