package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
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
 * kept in the {@link NetworkState} under {@code <path>.history} as {@code [N, C, T-1, H', W']} (H' = H + 2p
 * with replicate padding, H with zero padding, which the convolution applies).
 * On the first frame the past is zeros, or copies of the first frame with replicate padding, as in fnn.
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
    private final String historyKey;

    /** standardised weights reshaped for conv2d, per stream: [O, I/inGroups*T, K, K] */
    private final List<NDArray> streamWeights = new ArrayList<>();
    /** all streams stacked on dim 0: [S*O, I/inGroups*T, K, K] */
    private final NDArray allWeights;
    /** per stream [O], or null without bias */
    private final List<NDArray> streamBiases;
    /** [S*O], or null without bias */
    private final NDArray allBiases;

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
        this.historyKey = path + ".history";

        Shape shape = new Shape(b.outChannels, b.inChannels / b.inGroups, b.temporal, b.spatial, b.spatial);
        long fanIn = shape.size() / b.outChannels;
        float bound = (float) (b.wnorm ? Math.sqrt(1.0 / fanIn) : Math.sqrt(3.0 / fanIn));
        int fanOut = b.outChannels / b.outGroups;
        Shape groupShape = new Shape(b.outGroups, fanOut);
        boolean hasGain = b.wnorm && b.gain != null;

        List<NDArray> biases = b.bias == null ? null : new ArrayList<>();
        for (int s = 0; s < b.streams; s++) {
            NDArray weight = params.take(path + ".weights." + s, shape,
                    (m, sh) -> m.randomUniform(-bound, bound, sh));
            if (b.wnorm) {
                // statistics per output channel: [O, fanIn] rows (DJL means over one axis at a time)
                NDArray rows = weight.reshape(b.outChannels, fanIn);
                NDArray centred = rows.sub(rows.mean(new int[] {1}, true));
                NDArray scale = centred.square().mean(new int[] {1}, true).mul(fanIn).add(b.eps).pow(-0.5);
                if (hasGain) {
                    float init = b.gain.floatValue();
                    NDArray gain = params.take(path + ".gains." + s, groupShape, (m, sh) -> m.full(sh, init));
                    scale = scale.mul(gain.reshape(b.outChannels, 1));
                }
                weight = centred.mul(scale);
            }
            streamWeights.add(weight.reshape(b.outChannels, -1, b.spatial, b.spatial));
            if (biases != null) {
                float init = b.bias.floatValue();
                biases.add(params.take(path + ".biases." + s, groupShape, (m, sh) -> m.full(sh, init))
                        .reshape(b.outChannels));
            }
        }
        this.allWeights = b.streams == 1 ? streamWeights.get(0) : NDArrays.concat(new NDList(streamWeights), 0);
        this.streamBiases = biases;
        this.allBiases = biases == null ? null
                : b.streams == 1 ? biases.get(0) : NDArrays.concat(new NDList(biases), 0);
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
     * @param state  holds the temporal past under {@code <path>.history}; may be null when T = 1
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
        if (temporal > 1) {
            x = withPast(x, state);
        }
        NDArray weight = stream == null ? allWeights : streamWeights.get(stream);
        NDArray bias = allBiases == null ? null : stream == null ? allBiases : streamBiases.get(stream);
        int groups = stream == null ? inGroups * streams : inGroups;
        return x.getNDArrayInternal()
                .convolution(x, weight, bias, new Shape(stride, stride), new Shape(zeroPadding, zeroPadding),
                        new Shape(1, 1), groups)
                .singletonOrThrow();
    }

    /**
     * Stacks the T-1 past frames before the current one and stores the new past.
     *
     * @param x [N, C, H, W] current frame (replicate-padded if so configured)
     * @return [N, C*T, H, W]: channel c's frames oldest to newest, the layout the conv2d weights expect
     */
    private NDArray withPast(NDArray x, NetworkState state) {
        NDArray current = x.expandDims(2);
        NDArray past = state.get(historyKey, x.getManager());
        if (past == null) {
            NDArray start = pad == Padding.REPLICATE ? current : current.zerosLike();
            past = start.repeat(2, temporal - 1);
        } else if (!past.getShape().slice(0, 2).equals(current.getShape().slice(0, 2))
                || !past.getShape().slice(3).equals(current.getShape().slice(3))) {
            throw new IllegalStateException("state '" + historyKey + "' is " + past.getShape() + ", this frame is "
                    + current.getShape() + " (stepped with another stream selection, batch or size?)");
        }
        NDArray frames = past.concat(current, 2);
        state.put(historyKey, frames.get(":, :, 1:"));
        Shape s = x.getShape();
        return frames.reshape(s.get(0), s.get(1) * temporal, s.get(2), s.get(3));
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
