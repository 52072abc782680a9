package io.twinloop.inference.model.core;

/** Hyperparameters of the core's recurrent network: a {@link CvtLstm}, {@link ConvLstm} or {@link Rvt}. */
public sealed interface RecurrentConfig {

    /** @return output channels per stream (the core's channels) */
    int outChannels();

    /**
     * fnn's {@code recurrents.CvtLstm} arguments (the published recurrent).
     *
     * @param inChannels     channels per stream the inputs are projected to
     * @param outChannels    output channels per stream
     * @param hiddenChannels LSTM hidden (and cell) channels per stream
     * @param commonChannels channels per stream of the attention's common space
     * @param groups         channel groups per stream
     * @param spatial        spatial kernel size of the convolution into the common space
     * @param initInput      initial input-gate bias
     * @param initForget     initial forget-gate bias
     */
    record CvtLstmConfig(int inChannels, int outChannels, int hiddenChannels, int commonChannels, int groups,
                         int spatial, double initInput, double initForget) implements RecurrentConfig {
        public CvtLstmConfig(int inChannels, int outChannels, int hiddenChannels, int commonChannels, int groups,
                             int spatial) {
            this(inChannels, outChannels, hiddenChannels, commonChannels, groups, spatial, -1, 1);
        }
    }

    /**
     * fnn's {@code recurrents.ConvLstm} arguments.
     *
     * @param inChannels     channels per stream the inputs are projected to
     * @param outChannels    output channels per stream
     * @param hiddenChannels LSTM hidden (and cell) channels per stream
     * @param groups         channel groups per stream
     * @param spatial        spatial kernel size of the gate convolutions
     * @param initInput      initial input-gate bias
     * @param initForget     initial forget-gate bias
     */
    record ConvLstmConfig(int inChannels, int outChannels, int hiddenChannels, int groups, int spatial,
                          double initInput, double initForget) implements RecurrentConfig {
        public ConvLstmConfig(int inChannels, int outChannels, int hiddenChannels, int groups, int spatial) {
            this(inChannels, outChannels, hiddenChannels, groups, spatial, -1, 1);
        }
    }

    /**
     * fnn's {@code recurrents.Rvt} arguments.
     *
     * @param inChannels     channels per stream the inputs are projected to
     * @param outChannels    output channels per stream
     * @param hiddenChannels hidden channels per stream
     * @param commonChannels channels per stream of the attention's common space
     * @param groups         channel groups per stream
     * @param spatial        spatial kernel size of the convolution into the common space
     * @param initGate       initial update-gate bias
     */
    record RvtConfig(int inChannels, int outChannels, int hiddenChannels, int commonChannels, int groups,
                     int spatial, double initGate) implements RecurrentConfig {
        public RvtConfig(int inChannels, int outChannels, int hiddenChannels, int commonChannels, int groups,
                         int spatial) {
            this(inChannels, outChannels, hiddenChannels, commonChannels, groups, spatial, 1);
        }
    }
}
