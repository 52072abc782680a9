package io.twinloop.simulator.stimuli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ground truth of one frame: what it shows ({@code label}, e.g. "gabor" or "gray") and the
 * parameters that produced it (e.g. direction_deg, sf_cpp, tf_hz), in a stable order.
 */
public record FrameDescription(String label, Map<String, Double> parameters) {

    public FrameDescription {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** A frame with nothing but a uniform background. */
    public static FrameDescription blank(long trial) {
        return new FrameDescription("gray", Map.of("trial", (double) trial));
    }

    public double get(String name) {
        Double value = parameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException(label + " frame has no parameter " + name + ": " + parameters);
        }
        return value;
    }

    /** Starts an ordered parameter list; {@code builder("gabor").put("sf_cpp", 0.02).build()}. */
    public static Builder builder(String label) {
        return new Builder(label);
    }

    public static final class Builder {
        private final String label;
        private final Map<String, Double> parameters = new LinkedHashMap<>();

        private Builder(String label) {
            this.label = label;
        }

        public Builder put(String name, double value) {
            parameters.put(name, value);
            return this;
        }

        public FrameDescription build() {
            return new FrameDescription(label, parameters);
        }
    }
}
