package io.twinloop.inference.model.modulation;

/**
 * Hyperparameters of {@link MlpLstm}.
 *
 * @param mlpFeatures  MLP features per stream
 * @param mlpLayers    MLP layers
 * @param mlpNonlinear MLP nonlinearity (fnn name, e.g. "gelu")
 * @param lstmFeatures LSTM features per stream: the modulation features M the core receives
 */
public record ModulationConfig(int mlpFeatures, int mlpLayers, String mlpNonlinear, int lstmFeatures) {

    /** fnn/microns/build.py: 16 features x 1 layer, gelu, 16 LSTM features */
    public static ModulationConfig published() {
        return new ModulationConfig(16, 1, "gelu", 16);
    }

    /** The same architecture, narrower, for tests and demos. */
    public static ModulationConfig small() {
        return new ModulationConfig(8, 1, "gelu", 8);
    }
}
