package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.DerivedTensors;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.elements.Conv;
import io.twinloop.inference.model.elements.ConvBank;
import io.twinloop.inference.model.elements.Groups;

import java.util.ArrayList;
import java.util.List;

/**
 * The convolutional-transformer step shared by fnn's {@code CvtLstm} and {@code Rvt}: a grouped K x K
 * convolution of [x, h] into the common space, z ({@code <path>.conv}, wnorm, no gain, no bias); then,
 * per group, attention over all positions with cosine-normalised queries (times a learned scale per
 * channel, {@code <path>.scales.s [G, Cc/G]}) and keys: a = v softmax(q^T k) with 1x1 grouped
 * projections {@code <path>.proj_q}, {@code .proj_k}, {@code .proj_v}. The result is [z, a], group-wise.
 */
final class CommonAttention {

    /** attention weights computed at once, at most (about a core's share of a shared cache) */
    private static final long CHUNK_BYTES = 4L << 20;

    private final int streams;
    private final int groups;
    private final int groupChannels;
    private final Conv conv;
    /** the query, key and value projections */
    private final ConvBank projections;
    /** query scales, all streams [S, G, Cc/G, 1] */
    private final NDArray allScales;
    /** per stream [1, G, Cc/G, 1] */
    private final List<NDArray> streamScales = new ArrayList<>();

    /**
     * @param inChannels     channels per stream of [x, h]
     * @param commonChannels Cc, common channels per stream
     * @param groups         G, groups per stream
     * @param spatial        kernel size of the convolution into the common space
     * @param path           the recurrent's path (the keys are its direct children)
     */
    CommonAttention(int inChannels, int commonChannels, int groups, int spatial, int streams, StateDict params,
                    String path) {
        this.streams = streams;
        this.groups = groups;
        this.groupChannels = commonChannels / groups;
        this.conv = Conv.builder(inChannels, commonChannels).inGroups(groups).outGroups(groups).streams(streams)
                .spatial(spatial).noGain().noBias().build(params, path + ".conv");
        Shape scaleShape = new Shape(groups, groupChannels);
        for (int s = 0; s < streams; s++) {
            NDArray scale = params.take(path + ".scales." + s, scaleShape, (m, sh) -> m.ones(sh));
            streamScales.add(DerivedTensors.keep(params, scale.reshape(1, groups, groupChannels, 1)));
        }
        this.allScales = streams == 1 ? streamScales.get(0)
                : DerivedTensors.keep(params, NDArrays.concat(new NDList(streamScales), 0));
        this.projections = new ConvBank(List.of(projection(commonChannels, params, path + ".proj_q"),
                projection(commonChannels, params, path + ".proj_k"),
                projection(commonChannels, params, path + ".proj_v")), params);
    }

    private Conv projection(int channels, StateDict params, String path) {
        return Conv.builder(channels, channels).inGroups(groups).outGroups(groups).streams(streams).noGain().noBias()
                .build(params, path);
    }

    /**
     * @param xh     [N, S*(I+Hd), H, W] (or one stream's channels)
     * @param stream one stream, or null for all
     * @return [z, a] concatenated group-wise, [N, S*2*Cc, H, W]
     */
    NDArray forward(NDArray xh, Integer stream) {
        NDArray z = conv.forward(xh, stream, null);
        Shape shape = z.getShape();
        long n = shape.get(0);
        long h = shape.get(2);
        long w = shape.get(3);
        int s = stream == null ? streams : 1;
        Shape grouped = new Shape(n, s, groups, groupChannels, h * w);
        // [N, S, G, C, HW]: channel vectors at each position, normalised along C
        List<NDArray> qkv = projections.forward(z, stream);
        NDArray q = qkv.get(0).reshape(grouped);
        NDArray k = qkv.get(1).reshape(grouped);
        NDArray v = qkv.get(2).reshape(grouped);
        q = q.div(l2(q)).mul(stream == null ? allScales : streamScales.get(stream));
        k = k.div(l2(k));
        Shape flat = new Shape(n * s * groups, groupChannels, h * w);
        NDArray qf = q.reshape(flat);
        NDArray kf = k.reshape(flat);
        NDArray vf = v.reshape(flat);
        // a few slices at a time, so that their [HW, HW] weights stay in cache between the three steps
        long slices = flat.get(0);
        long chunk = Math.max(1, CHUNK_BYTES / (h * w * h * w * Float.BYTES));
        NDList parts = new NDList();
        for (long start = 0; start < slices; start += chunk) {
            NDIndex range = new NDIndex().addSliceDim(start, Math.min(slices, start + chunk));
            parts.add(attend(qf.get(range), kf.get(range), vf.get(range)));
        }
        NDArray a = (parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0)).reshape(n, -1, h, w);
        return Groups.cat2d(List.of(z, a), s * groups);
    }

    /**
     * @param q [B, C, HW] normalised and scaled queries
     * @param k [B, C, HW] normalised keys
     * @param v [B, C, HW] values
     * @return [B, C, HW]: a[b, c, q] = sum_d v[b, c, d] softmax_d(sum_c' q[b, c', q] k[b, c', d])
     */
    private static NDArray attend(NDArray q, NDArray k, NDArray v) {
        NDArray weights = q.transpose(0, 2, 1).matMul(k).softmax(2);
        return v.matMul(weights.transpose(0, 2, 1));
    }

    /** @return the L2 norm along the channel dim (3) of [N, S, G, C, HW], keeping the dim */
    private static NDArray l2(NDArray x) {
        return x.square().sum(new int[] {3}, true).sqrt();
    }
}
