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
 * fnn's {@code elements.Conv}: a causal spatio-temporal convolution with independent weights per
 * stream, channel groups, weight standardisation ("wnorm") with a learned gain, and a bias.
 *
 * <p>Parameters (fnn state_dict keys, per stream s):
 * {@code <path>.weights.s [O, I/inGroups, T, K, K]}, {@code <path>.gains.s [outGroups, O/outGroups]}
 * (only when wnorm and gain), {@code <path>.biases.s [outGroups, O/outGroups]} (only with bias).
 *
 * <p>With wnorm, the weight used is {@code (w - mean) / sqrt(var * fanIn + eps) * gain}, statistics per
 * output channel over all its inputs (fan in = I/inGroups*T*K*K). The standardised weights are computed
 * once at construction (inference only; fnn caches them on the first frame, too).
 *
 * <p>Temporal kernels (T &gt; 1) see the current (padded) frame and the T-1 frames before it; the past is
 * kept in the {@link NetworkState} frame by frame, oldest first, under {@code <path>.history.0} ..
 * {@code <path>.history.<T-2>}, each {@code [N, C, H', W']} (H' = H + 2p with replicate padding, H with zero
 * padding, which the convolution applies): a frame is kept as it is, never copied into a window.
 * On the first frame the past is zeros, or copies of the first frame with replicate padding, as in fnn.
 * The frames are stacked group by group, time-major within a group, and the weights are laid out to match.
 *
 * <p>Build with {@link #builder(int, int)}; defaults are fnn's keyword defaults:
 * <pre>{@code
 * Conv conv = Conv.builder(in, out).inGroups(2).outGroups(2).streams(4).temporal(3).spatial(3)
 *         .build(params, "core.feedforward.blocks.1.convs.0");
 * NDArray y = conv.forward(x, null, state);   // x [N, S*I, H, W] -> y [N, S*O, H/stride, W/stride]
 * }</pre>
 */
public final class Conv implements Projection {

    private final int inChannels;
    private final int outChannels;
    private final int inGroups;
    private final int streams;
    private final int temporal;
    private final int stride;
    private final Padding pad;
    private final int padding;
    /** the past frames' state keys, oldest first (T-1 of them) */
    private final List<String> historyKeys = new ArrayList<>();

    /** all streams' standardised weights stacked on dim 0, reshaped for conv2d: [S*O, I/inGroups*T, K, K] */
    private final NDArray allWeights;
    /** per stream [O, I/inGroups*T, K, K], views of {@link #allWeights} */
    private final List<NDArray> streamWeights;
    /** [S*O], or null without bias */
    private final NDArray allBiases;
    /** per stream [O], views of {@link #allBiases}, or null without bias */
    private final List<NDArray> streamBiases;

    private Conv(Builder b, StateDict params, String path) {
        if (b.inChannels % b.inGroups != 0) {
            throw new IllegalArgumentException("Input channels must be divisible by input groups");
        }
        if (b.outChannels % b.inGroups != 0) {
            throw new IllegalArgumentException("Output channels must be divisible by input groups");
        }
        if (b.outChannels % b.outGroups != 0) {
            throw new IllegalArgumentException("Output channels must be divisible by output groups");
        }
        if ((b.spatial - b.stride) % 2 != 0) {
            throw new IllegalArgumentException("Incompatible spatial size and stride");
        }
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.inGroups = b.inGroups;
        this.streams = b.streams;
        this.temporal = b.temporal;
        this.stride = b.stride;
        this.pad = b.pad;
        this.padding = b.pad == Padding.NONE ? 0 : (b.spatial - b.stride) / 2;
        for (int k = 0; k < b.temporal - 1; k++) {
            historyKeys.add(path + ".history." + k);
        }

        Shape shape = new Shape(b.outChannels, b.inChannels / b.inGroups, b.temporal, b.spatial, b.spatial);
        long fanIn = shape.size() / b.outChannels;
        float bound = (float) (b.wnorm ? Math.sqrt(1.0 / fanIn) : Math.sqrt(3.0 / fanIn));
        int fanOut = b.outChannels / b.outGroups;
        Shape groupShape = new Shape(b.outGroups, fanOut);
        boolean hasGain = b.wnorm && b.gain != null;

        NDList weights = new NDList(b.streams);
        NDList biases = b.bias == null ? null : new NDList(b.streams);
        for (int s = 0; s < b.streams; s++) {
            NDArray weight = params.take(path + ".weights." + s, shape,
                    (m, sh) -> m.randomUniform(-bound, bound, sh));
            if (b.wnorm) {
                // statistics per output channel: [O, fanIn] rows (DJL means over one axis at a time)
                NDArray rows = weight.reshape(b.outChannels, fanIn);
                NDArray centred = rows.sub(rows.mean(new int[] {1}, true));
                NDArray scale = Scalars.pow(Scalars.mul(centred.square().mean(new int[] {1}, true), fanIn).add(b.eps), -0.5);
                if (hasGain) {
                    float init = b.gain.floatValue();
                    NDArray gain = params.take(path + ".gains." + s, groupShape, (m, sh) -> m.full(sh, init));
                    scale = scale.mul(gain.reshape(b.outChannels, 1));
                }
                weight = centred.mul(scale);
            }
            // [O, I/inGroups, T, K, K] -> [O, T*I/inGroups, K, K], time-major: the layout withPast stacks
            weights.add(weight.reshape(shape).transpose(0, 2, 1, 3, 4).reshape(b.outChannels, -1, b.spatial, b.spatial));
            if (biases != null) {
                float init = b.bias.floatValue();
                biases.add(params.take(path + ".biases." + s, groupShape, (m, sh) -> m.full(sh, init))
                        .reshape(b.outChannels));
            }
        }
        this.allWeights = DerivedTensors.keep(params, concat(weights));
        this.streamWeights = streamViews(params, allWeights, b.streams);
        this.allBiases = biases == null ? null : DerivedTensors.keep(params, concat(biases));
        this.streamBiases = biases == null ? null : streamViews(params, allBiases, b.streams);
    }

    static NDArray concat(NDList perStream) {
        return perStream.size() == 1 ? perStream.get(0) : NDArrays.concat(perStream, 0);
    }

    /** @return per stream, a view of its rows of {@code all} [S*O, ...], kept as long as the parameters */
    static List<NDArray> streamViews(StateDict params, NDArray all, int streams) {
        if (streams == 1) {
            return List.of(all);
        }
        List<NDArray> views = new ArrayList<>(streams);
        long rows = all.getShape().get(0) / streams;
        for (int s = 0; s < streams; s++) {
            views.add(DerivedTensors.keep(params, all.get(s * rows + ":" + (s + 1) * rows)));
        }
        return List.copyOf(views);
    }

    /** @return a builder with fnn's defaults (1 group, 1 stream, 1x1x1 kernel, zeros pad, gain 1, bias 0) */
    public static Builder builder(int inChannels, int outChannels) {
        return new Builder(inChannels, outChannels);
    }

    /** @return output channels per stream */
    public int outChannels() {
        return outChannels;
    }

    /** @return input channels per stream */
    public int inChannels() {
        return inChannels;
    }

    /**
     * @param x      [N, S*I, H, W] (stream null) or [N, I, H, W] (one stream)
     * @param stream one stream, or null for all
     * @param state  holds the temporal past under {@code <path>.history.k}; may be null when T = 1
     * @return [N, S*O, H', W'] or [N, O, H', W'], H' = H / stride
     */
    @Override
    public NDArray forward(NDArray x, Integer stream, NetworkState state) {
        int expected = stream == null ? streams * inChannels : inChannels;
        if (x.getShape().get(1) != expected) {
            throw new IllegalArgumentException("Conv expects " + expected + " input channels, got " + x.getShape());
        }
        // zero padding commutes with stacking frames: let the convolution pad (no copy, smaller past)
        int zeroPadding = pad == Padding.ZEROS ? padding : 0;
        if (pad == Padding.REPLICATE) {
            x = pad.apply(x, padding);
        }
        int groups = stream == null ? inGroups * streams : inGroups;
        if (temporal > 1) {
            x = withPast(x, groups, state);
        }
        NDArray weight = stream == null ? allWeights : streamWeights.get(stream);
        NDArray bias = allBiases == null ? null : stream == null ? allBiases : streamBiases.get(stream);
        return Convolution2d.apply(x, weight, bias, stride, zeroPadding, groups);
    }

    /** @return true if {@link #forward} is one conv2d of its input (no temporal past, no padding copy) */
    boolean isPlain() {
        return temporal == 1 && pad != Padding.REPLICATE;
    }

    /** @return per stream [O, I/inGroups*T, K, K], the weights one stream's conv2d uses */
    NDArray streamWeights(int stream) {
        return streamWeights.get(stream);
    }

    /** @return per stream [O], or null without bias */
    NDArray streamBiases(int stream) {
        return streamBiases == null ? null : streamBiases.get(stream);
    }

    int streams() {
        return streams;
    }

    int inGroups() {
        return inGroups;
    }

    int stride() {
        return stride;
    }

    /** @return the zero padding the conv2d applies on each side */
    int zeroPadding() {
        return pad == Padding.ZEROS ? padding : 0;
    }

    /**
     * Stacks the T-1 past frames before the current one and keeps the newest T-1 frames as the new past.
     *
     * @param x      [N, C, H, W] current frame (replicate-padded if so configured)
     * @param groups channel groups of the convolution
     * @return [N, C*T, H, W]: per group, frames oldest to newest, each with the group's channels
     */
    private NDArray withPast(NDArray x, int groups, NetworkState state) {
        List<NDArray> frames = new ArrayList<>(temporal);
        for (String key : historyKeys) {
            NDArray past = state.get(key, x.getManager());
            if (past == null) {
                past = pad == Padding.REPLICATE ? x.duplicate() : x.zerosLike();
            } else if (!past.getShape().equals(x.getShape())) {
                throw new IllegalStateException("state '" + key + "' is " + past.getShape() + ", this frame is "
                        + x.getShape() + " (stepped with another stream selection, batch or size?)");
            }
            frames.add(past);
        }
        frames.add(x);
        for (int k = 0; k < historyKeys.size(); k++) {
            state.put(historyKeys.get(k), frames.get(k + 1));
        }
        return Groups.cat2d(frames, groups);
    }

    /** fnn's Conv keyword arguments. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private int inGroups = 1;
        private int outGroups = 1;
        private int streams = 1;
        private int temporal = 1;
        private int spatial = 1;
        private int stride = 1;
        private Padding pad = Padding.ZEROS;
        private Double gain = 1.0;
        private Double bias = 0.0;
        private double eps = 1e-5;
        private boolean wnorm = true;

        private Builder(int inChannels, int outChannels) {
            this.inChannels = inChannels;
            this.outChannels = outChannels;
        }

        public Builder inGroups(int v) {
            inGroups = v;
            return this;
        }

        public Builder outGroups(int v) {
            outGroups = v;
            return this;
        }

        public Builder streams(int v) {
            streams = v;
            return this;
        }

        public Builder temporal(int v) {
            temporal = v;
            return this;
        }

        public Builder spatial(int v) {
            spatial = v;
            return this;
        }

        public Builder stride(int v) {
            stride = v;
            return this;
        }

        public Builder pad(Padding v) {
            pad = v;
            return this;
        }

        /** initial gain; used only with wnorm */
        public Builder gain(double v) {
            gain = v;
            return this;
        }

        /** fnn's {@code gain=None}: no gain parameter */
        public Builder noGain() {
            gain = null;
            return this;
        }

        /** initial bias */
        public Builder bias(double v) {
            bias = v;
            return this;
        }

        /** fnn's {@code bias=None}: no bias parameter */
        public Builder noBias() {
            bias = null;
            return this;
        }

        public Builder eps(double v) {
            eps = v;
            return this;
        }

        public Builder wnorm(boolean v) {
            wnorm = v;
            return this;
        }

        /** Takes (or initialises) the parameters under {@code path} and builds the conv. */
        public Conv build(StateDict params, String path) {
            return new Conv(this, params, path);
        }
    }
}
