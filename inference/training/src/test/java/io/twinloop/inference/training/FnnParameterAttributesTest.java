package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys and shapes as in the published architecture's state dict (fnn-parity fixture), 48 units. */
class FnnParameterAttributesTest {

    @Test
    void attributesFollowFnnModules() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            Function<long[], NDArray> z = s -> manager.zeros(new Shape(s));
            tensors.put("core.feedforward.inputs.0.weights.0", z.apply(new long[] {32, 1, 1, 6, 6}));
            tensors.put("core.feedforward.inputs.0.gains.0", z.apply(new long[] {2, 32}));
            tensors.put("core.recurrent.scales.0", z.apply(new long[] {8, 64}));
            tensors.put("core.recurrent.proj_x.0.mask", z.apply(new long[] {8, 8, 1, 1}));
            tensors.put("core.recurrent.proj_x.0.zero", z.apply(new long[] {8, 8, 32, 32}));
            tensors.put("core.recurrent.proj_x.0.weights.0", z.apply(new long[] {8, 7, 32, 32}));
            tensors.put("core.recurrent.proj_x.0.biases.0", z.apply(new long[] {8, 32}));
            tensors.put("perspective.monitor.center", z.apply(new long[] {3}));
            tensors.put("perspective.monitor_pixel.power", z.apply(new long[] {}));
            tensors.put("perspective.monitor_pixel.scale", z.apply(new long[] {}));
            tensors.put("perspective.monitor_pixel.offset", z.apply(new long[] {}));
            tensors.put("perspective.retina.grid", z.apply(new long[] {128, 192, 3}));
            tensors.put("perspective.retina_pixel.logit", z.apply(new long[] {1}));
            tensors.put("perspective.retina_pixel.scale", z.apply(new long[] {1}));
            tensors.put("modulation.lstm.proj_i.weights.0", z.apply(new long[] {16, 32, 1, 1, 1}));
            tensors.put("readout.position.mu", z.apply(new long[] {48, 2}));
            tensors.put("readout.position.sigma", z.apply(new long[] {48, 2, 2}));
            tensors.put("readout.feature.weights.0", z.apply(new long[] {48, 1, 128}));
            tensors.put("readout.biases.0", z.apply(new long[] {48, 1}));

            Map<String, TrainableParameter> p = FnnParameterAttributes.parameters(tensors, 48).stream()
                    .collect(Collectors.toMap(TrainableParameter::name, x -> x));

            for (String buffer : List.of("core.recurrent.proj_x.0.mask", "core.recurrent.proj_x.0.zero",
                    "perspective.monitor_pixel.power", "perspective.monitor_pixel.scale",
                    "perspective.monitor_pixel.offset", "perspective.retina.grid")) {
                assertFalse(p.containsKey(buffer), buffer + " is a buffer");
            }
            assertEquals(13, p.size());
            check(p.get("core.feedforward.inputs.0.weights.0"), 1, true, new int[] {1, 2, 3, 4});
            check(p.get("core.recurrent.proj_x.0.weights.0"), 1, true, new int[] {1, 3});
            check(p.get("core.feedforward.inputs.0.gains.0"), 1, false, new int[] {1});
            check(p.get("core.recurrent.proj_x.0.biases.0"), 1, false, new int[] {1});
            check(p.get("core.recurrent.scales.0"), 1, false, new int[] {1});
            check(p.get("perspective.monitor.center"), 1, false, null);
            check(p.get("perspective.retina_pixel.logit"), 1, false, null);
            check(p.get("perspective.retina_pixel.scale"), 1, false, null);
            check(p.get("modulation.lstm.proj_i.weights.0"), 1, true, new int[] {1, 2, 3, 4});
            check(p.get("readout.position.mu"), 48, false, null);
            check(p.get("readout.position.sigma"), 48, false, null);
            check(p.get("readout.feature.weights.0"), 48, true, new int[] {2});
            check(p.get("readout.biases.0"), 48, false, new int[] {0});
        }
    }

    private static void check(TrainableParameter p, float scale, boolean decay, int[] axes) {
        assertEquals(scale, p.gradientScale(), p.name());
        assertEquals(decay, p.decay(), p.name());
        if (axes == null) {
            assertNull(p.normAxes(), p.name());
        } else {
            assertArrayEquals(axes, p.normAxes(), p.name());
        }
        assertTrue(p.isUnder(p.name().substring(0, p.name().indexOf('.'))));
    }
}
