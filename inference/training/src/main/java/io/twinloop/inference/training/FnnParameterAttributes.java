package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * fnn's per-parameter optimisation attributes ({@code scale}, {@code decay}, {@code norm_dim}, set in
 * fnn's module constructors) recovered from state_dict keys and shapes, so that a network built
 * from a state dict can be trained exactly as fnn trains it; and which keys are buffers, not
 * parameters.
 *
 * <table>
 *   <tr><th>key</th><th>fnn module</th><th>scale</th><th>decay</th><th>norm axes</th></tr>
 *   <tr><td>readout.position.mu, .sigma</td><td>positions.Gaussian</td><td>U</td><td>no</td><td>all</td></tr>
 *   <tr><td>readout.feature.weights.s</td><td>features.Norm / Vanilla</td><td>U</td><td>yes</td><td>last</td></tr>
 *   <tr><td>readout.feature.gains.s</td><td>features.Norm</td><td>U</td><td>no</td><td>0</td></tr>
 *   <tr><td>readout.biases.s</td><td>readouts.PositionFeature</td><td>U</td><td>no</td><td>0</td></tr>
 *   <tr><td>*.weights.s, 5-D</td><td>elements.Conv / Linear</td><td>1</td><td>yes</td><td>1,2,3,4</td></tr>
 *   <tr><td>*.weights.s, 4-D</td><td>elements.InterGroup</td><td>1</td><td>yes</td><td>1,3</td></tr>
 *   <tr><td>*.gains.s, *.biases.s</td><td>elements.Conv / InterGroup</td><td>1</td><td>no</td><td>1</td></tr>
 *   <tr><td>*.scales.s</td><td>recurrents.CvtLstm / Rvt</td><td>1</td><td>no</td><td>1</td></tr>
 *   <tr><td>perspective.monitor.*</td><td>monitors.Plane</td><td>1</td><td>no</td><td>all</td></tr>
 *   <tr><td>*.logit, *.scale, *.offset</td><td>pixels.SigmoidPower</td><td>1</td><td>no</td><td>all</td></tr>
 *   <tr><td>anything else</td><td></td><td>1</td><td>yes</td><td>all</td></tr>
 * </table>
 * Buffers: {@code *.mask}, {@code *.zero} (InterGroup), {@code *.grid} (retina), and
 * {@code power/scale/offset} of a module that has a {@code power} buffer (pixels.StaticPower).
 * Not covered: modulations.Sigmoid (gains/biases normed over axis 0), which the published
 * architecture does not use.
 */
public final class FnnParameterAttributes {

    private static final Pattern STREAM_INDEXED = Pattern.compile(".*\\.(weights|gains|biases|scales)\\.\\d+");
    private static final Pattern PIXEL = Pattern.compile(".*\\.(logit|scale|offset)");

    private FnnParameterAttributes() {
    }

    /**
     * @param tensors a network's state dict, fnn keys to tensors
     * @param units   number of readout units U of the network
     * @return the parameters (buffers left out) with fnn's attributes, in the state dict's order
     */
    public static List<TrainableParameter> parameters(Map<String, NDArray> tensors, int units) {
        List<TrainableParameter> out = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if (!isBuffer(e.getKey(), tensors)) {
                out.add(parameter(e.getKey(), e.getValue(), units));
            }
        }
        return out;
    }

    /** @return true if {@code key} is a buffer in fnn (constant, never trained) */
    public static boolean isBuffer(String key, Map<String, NDArray> allKeys) {
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        if (leaf.equals("mask") || leaf.equals("zero") || leaf.equals("grid")) {
            return true;
        }
        String module = key.substring(0, Math.max(0, key.lastIndexOf('.')));
        boolean staticPixel = allKeys.containsKey(module + ".power");
        return staticPixel && (leaf.equals("power") || leaf.equals("scale") || leaf.equals("offset"));
    }

    /** @return the parameter {@code key} with fnn's attributes */
    public static TrainableParameter parameter(String key, NDArray value, int units) {
        int rank = value.getShape().dimension();
        if (key.equals("readout.position.mu") || key.equals("readout.position.sigma")) {
            return new TrainableParameter(key, value, units, false, null);
        }
        if (key.startsWith("readout.feature.weights.")) {
            return new TrainableParameter(key, value, units, true, new int[] {rank - 1});
        }
        if (key.startsWith("readout.feature.gains.") || key.startsWith("readout.biases.")) {
            return new TrainableParameter(key, value, units, false, new int[] {0});
        }
        if (STREAM_INDEXED.matcher(key).matches()) {
            String kind = key.replaceAll(".*\\.(weights|gains|biases|scales)\\.\\d+", "$1");
            if (kind.equals("weights")) {
                int[] axes = rank == 4 ? new int[] {1, 3} : new int[] {1, 2, 3, 4};
                if (rank != 4 && rank != 5) {
                    throw new IllegalArgumentException(key + ": fnn weights are 4-D or 5-D, found " + value.getShape());
                }
                return new TrainableParameter(key, value, 1f, true, axes);
            }
            return new TrainableParameter(key, value, 1f, false, new int[] {1});
        }
        if (key.startsWith("perspective.monitor.") || PIXEL.matcher(key).matches()) {
            return new TrainableParameter(key, value, 1f, false, null);
        }
        return TrainableParameter.of(key, value);
    }
}
