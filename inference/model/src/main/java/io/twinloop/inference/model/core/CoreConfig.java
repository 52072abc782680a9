package io.twinloop.inference.model.core;

import io.twinloop.inference.model.core.RecurrentConfig.ConvLstmConfig;
import io.twinloop.inference.model.core.RecurrentConfig.CvtLstmConfig;
import io.twinloop.inference.model.core.RecurrentConfig.RvtConfig;
import io.twinloop.inference.model.elements.Nonlinearity;

import java.util.List;

/**
 * Hyperparameters of a {@link FeedforwardRecurrent} core: fnn's {@code microns/build.py::network}
 * arguments of the feedforward and the recurrent.
 */
public record CoreConfig(InputDenseConfig feedforward, RecurrentConfig recurrent) {

    /** The published architecture (Wang et al. 2025): InputDense 32/64/128 and CvtLstm 256/128/256/512. */
    public static CoreConfig published() {
        return new CoreConfig(
                new InputDenseConfig(6, 2, List.of(32, 64, 128), List.of(1, 2, 4), List.of(2, 2, 2),
                        List.of(3, 3, 3), List.of(3, 3, 3), List.of(2, 2, 1), 128, Nonlinearity.GELU),
                new CvtLstmConfig(256, 128, 256, 512, 8, 3));
    }

    /**
     * The published architecture at a quarter of its channels (same groups, layers, kernels, pools):
     * InputDense 8/16/32 out 32, CvtLstm in 64 / out 32 / hidden 64 / common 128, 8 groups.
     * For tests and CPU demos.
     */
    public static CoreConfig small() {
        return new CoreConfig(
                new InputDenseConfig(6, 2, List.of(8, 16, 32), List.of(1, 2, 4), List.of(2, 2, 2),
                        List.of(3, 3, 3), List.of(3, 3, 3), List.of(2, 2, 1), 32, Nonlinearity.GELU),
                new CvtLstmConfig(64, 32, 64, 128, 8, 3));
    }

    /**
     * Half of {@link #small()}'s channels (an eighth of the published): InputDense 4/8/16 out 16, CvtLstm in 32 /
     * out 16 / hidden 32 / common 64, 8 groups. For training experiments on a CPU.
     */
    public static CoreConfig tiny() {
        return new CoreConfig(
                new InputDenseConfig(6, 2, List.of(4, 8, 16), List.of(1, 2, 4), List.of(2, 2, 2),
                        List.of(3, 3, 3), List.of(3, 3, 3), List.of(2, 2, 1), 16, Nonlinearity.GELU),
                new CvtLstmConfig(32, 16, 32, 64, 8, 3));
    }

    /** {@link #small()} with fnn's recurrent vision transformer instead (same channels as its CvtLstm). */
    public static CoreConfig smallRvt() {
        return new CoreConfig(small().feedforward(), new RvtConfig(64, 32, 64, 128, 8, 3));
    }

    /** {@link #small()} with fnn's Conv-LSTM recurrent instead (in 64 / out 32 / hidden 64, 8 groups). */
    public static CoreConfig smallConvLstm() {
        return new CoreConfig(small().feedforward(), new ConvLstmConfig(64, 32, 64, 8, 3));
    }
}
