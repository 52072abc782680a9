package io.twinloop.inference.model.network;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.twinloop.inference.checkpoint.TorchCheckpoint;
import io.twinloop.inference.model.FnnReference;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.ParityResources;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.perspective.Periphery;
import io.twinloop.recordings.npy.NpyArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole network (perspective, modulation, core, readout, stream mean, Poisson unit) against fnn, for the tiny,
 * small and published configurations (resources/net-parity-*, made by src/test/python/make_network_parity.py): every
 * stream path (all streams and each single stream), batch 2 and batch 1, three frames from a fresh state (the
 * temporal convolutions' histories and the LSTMs' states carried between frames), in inference mode and in training
 * mode (the readout's positions drawn from the fixture's standard-normal draw, the same one fnn used), and the
 * gradients of a fixed scalar of the outputs w.r.t. parameters of every module, through DJL's autograd. The
 * published network runs a subset of the single-stream combinations ({@code Case.covers}) to keep CI time down.
 *
 * <p>Not covered: fnn's training-mode jitter of the monitor's centre and angles, which the port does not implement
 * (the script keeps fnn's monitor in eval mode).
 */
class NetworkParityTest {

    /**
     * Responses are of order 1 (0.8 to 1.7): float32 rounding through ~20 layers and 3 frames, with other kernels and
     * summation orders than torch 1.13's, stays two orders of magnitude below this (the printed errors); a wrong
     * stream, state, position or parameter moves responses by 1e-3 or more (training vs inference mode alone: above
     * 1e-3, asserted below).
     */
    private static final double RESPONSE_TOL = 1e-4;
    /**
     * Gradients are compared relative to the largest entry of each tensor (their entries span decades). Each one's
     * bound is {@value #CONDITIONING_FACTOR} x how far fnn's own float32 gradient is from its float64 one (the
     * fixture's conditioning.txt): two float32 implementations each sit about that far from the exact gradient, in
     * directions set by their kernels' summation orders. The perspective's gradients pass through the bilinear
     * sampling of the stimulus, whose derivative w.r.t. the sampling position jumps at pixel boundaries, and are the
     * worst determined (fnn float32 vs float64 up to 1e-3 on the published network); the others sit near 1e-6.
     * The floor {@value #GRADIENT_FLOOR} covers gradients that float32 happens to get almost exactly.
     */
    private static final double CONDITIONING_FACTOR = 5;
    private static final double GRADIENT_FLOOR = 1e-4;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** One configuration's fixture: the network's config, its parameters and the recorded inputs. */
    private final class Case {
        final String name;
        final NetworkConfig config;
        final ParityResources data;
        /** [T, 2, 1, H, W] */
        final NDArray stimulus;
        /** [T, 2, 2] */
        final NDArray perspective;
        /** [T, 2, 2] */
        final NDArray modulation;
        /** [2, U, 2] */
        final NDArray noise;

        Case(String config) {
            this.name = "net-parity-" + config;
            this.data = new ParityResources(name, manager);
            this.config = switch (config) {
                case "tiny" -> NetworkConfig.tiny(12);
                case "small" -> NetworkConfig.small(16);
                case "published" -> NetworkConfig.published(FnnReference.UNITS);
                default -> throw new IllegalArgumentException(config);
            };
            this.perspective = data.array("perspective");
            this.modulation = data.array("modulation");
            this.noise = data.array("noise");
            long frames = perspective.getShape().get(0);
            if (config.equals("published")) {
                // the fnn-parity fixture's first frames, uint8 / 255 as fnn's script made them
                NpyArray s = FnnReference.npy("fnn-parity/stimuli.npy"); // [N, T', H, W]
                long[] shape = s.shape();
                byte[] bytes = s.asBytes();
                int area = (int) (shape[2] * shape[3]);
                float[] pixels = new float[(int) (frames * shape[0] * area)];
                for (int t = 0; t < frames; t++) {
                    for (int n = 0; n < shape[0]; n++) {
                        int from = (int) ((n * shape[1] + t) * area);
                        int to = (int) ((t * shape[0] + n) * area);
                        for (int k = 0; k < area; k++) {
                            pixels[to + k] = (float) ((bytes[from + k] & 0xff) / 255.0);
                        }
                    }
                }
                this.stimulus = manager.create(pixels, new Shape(frames, shape[0], 1, shape[2], shape[3]));
            } else {
                this.stimulus = data.array("stimulus");
            }
        }

        /** @return the parameters keyed as in fnn's state_dict, fresh tensors on every call */
        Map<String, NDArray> parameters() {
            if (name.endsWith("published")) {
                return TorchCheckpoint.toNDArrays(manager, TorchCheckpoint.readAll(
                        FnnReference.resource("fnn-parity/params_core.pt"),
                        FnnReference.resource("fnn-parity/params_scan.pt")));
            }
            return data.params();
        }

        /**
         * Steps the network from a fresh state over every frame.
         *
         * @param noise null: inference mode; else training mode with this [n, U, 2] position draw
         * @return [T, n, U] responses
         */
        NDArray run(Network network, Integer stream, int n, NDArray noise) {
            NetworkState state = NetworkState.fresh();
            List<NDArray> out = new ArrayList<>();
            for (int t = 0; t < stimulus.getShape().get(0); t++) {
                NDArray s = stimulus.get(t).get(":" + n);
                NDArray p = perspective.get(t).get(":" + n);
                NDArray m = modulation.get(t).get(":" + n);
                out.add(noise == null ? network.forward(s, p, m, stream, Periphery.DARK, state)
                        : network.forwardTraining(s, p, m, stream, Periphery.DARK, state, noise));
            }
            return NDArrays.stack(new NDList(out), 0);
        }

        /**
         * Every combination for tiny and small. The published network costs ~0.3 s a frame on a CPU, so it runs all
         * streams in every mode and batch, and each single stream once, the four covering both modes and batches.
         */
        boolean covers(String mode, Integer stream, int n) {
            if (!name.endsWith("published") || stream == null) {
                return true;
            }
            boolean training = mode.equals("train");
            return switch (stream) {
                case 0 -> !training && n == 2;
                case 1 -> training && n == 1;
                case 2 -> !training && n == 1;
                default -> training && n == 2;
            };
        }

        List<Integer> singleStreams() {
            List<Integer> streams = new ArrayList<>();
            for (int s = 0; s < config.streams(); s++) {
                streams.add(s);
            }
            return streams;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "small", "published"})
    void responsesMatchFnnOnEveryPath(String config) {
        Case c = new Case(config);
        StateDict params = StateDict.of(manager, c.parameters());
        Network network = Network.load(c.config, params);
        List<Integer> streams = new ArrayList<>();
        streams.add(null);
        streams.addAll(c.singleStreams());
        List<String> failures = new ArrayList<>();
        double worst = 0;
        int runs = 0;
        for (String mode : new String[] {"eval", "train"}) {
            for (Integer stream : streams) {
                String path = stream == null ? "all" : "s" + stream;
                for (int n : new int[] {2, 1}) {
                    if (!c.covers(mode, stream, n)) {
                        continue;
                    }
                    runs++;
                    String what = c.name + " " + mode + " " + path + " batch " + n;
                    try (NDScope frame = new NDScope()) {
                        NDArray expected = c.data.array("response_" + mode + "_" + path + "_n" + n);
                        NDArray noise = mode.equals("train") ? c.noise.get(":" + n) : null;
                        NDArray actual = c.run(network, stream, n, noise);
                        assertEquals(expected.getShape(), actual.getShape(), what);
                        double err = expected.sub(actual).abs().max().getFloat();
                        worst = Math.max(worst, err);
                        System.out.printf("%s: max abs error %.2e (max |expected| %.3f)%n", what, err,
                                expected.abs().max().getFloat());
                        if (!(err <= RESPONSE_TOL)) {
                            failures.add(what + ": max abs error " + err);
                        }
                    }
                }
            }
        }
        System.out.printf("%s: worst response error %.2e over %d runs%n", c.name, worst, runs);
        assertTrue(failures.isEmpty(), "above " + RESPONSE_TOL + ": " + failures);
        // training mode must be a different computation from inference for the comparison above to mean anything
        double modes = c.data.array("response_train_all_n2").sub(c.data.array("response_eval_all_n2")).abs().max()
                .getFloat();
        assertTrue(modes > 10 * RESPONSE_TOL, "training and inference references differ by only " + modes);
    }

    @Test
    void positionNoiseOfTheWrongShapeIsRefused() {
        Case c = new Case("tiny");
        Network network = Network.load(c.config, StateDict.of(manager, c.parameters()));
        NDArray s = c.stimulus.get(0);
        NDArray p = c.perspective.get(0);
        NDArray m = c.modulation.get(0);
        IllegalArgumentException sessions = assertThrows(IllegalArgumentException.class, () -> network.forwardTraining(
                s, p, m, null, Periphery.DARK, NetworkState.fresh(), c.noise.get(":1")));
        assertTrue(sessions.getMessage().contains("not for 2 sessions"), sessions.getMessage());
        IllegalArgumentException units = assertThrows(IllegalArgumentException.class, () -> network.forwardTraining(
                s, p, m, null, Periphery.DARK, NetworkState.fresh(), manager.zeros(new Shape(2, 5, 2))));
        assertTrue(units.getMessage().contains("[N, 12, 2]"), units.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "small", "published"})
    void gradientsMatchFnn(String config) throws IOException {
        Case c = new Case(config);
        NDArray weights = c.data.array("weights"); // [T, 2, U]
        Map<String, List<String>> keysByPath = new LinkedHashMap<>();
        for (String line : Files.readAllLines(FnnReference.resource(c.name + "/grads.txt"))) {
            if (!line.isBlank()) {
                String[] parts = line.split(" ");
                keysByPath.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts[1]);
            }
        }
        assertTrue(keysByPath.containsKey("all") && keysByPath.size() == 2, "paths " + keysByPath.keySet());
        Map<String, Double> conditioning = new LinkedHashMap<>();
        for (String line : Files.readAllLines(FnnReference.resource(c.name + "/conditioning.txt"))) {
            if (!line.isBlank()) {
                String[] parts = line.split(" ");
                conditioning.put(parts[0] + " " + parts[1], Double.parseDouble(parts[2]));
            }
        }
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : keysByPath.entrySet()) {
            String path = entry.getKey();
            Integer stream = path.equals("all") ? null : Integer.parseInt(path.substring(1));
            Map<String, NDArray> tensors = c.parameters();
            for (String key : entry.getValue()) {
                NDArray p = tensors.get(key);
                assertTrue(p != null, c.name + ": no parameter " + key);
                p.setRequiresGradient(true);
            }
            try (NDScope scope = new NDScope();
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                // built inside the collector, as training does: what the network derives from its parameters when
                // it is built (weight standardisation, stacked readout tensors) is then part of the graph
                Network network = Network.load(c.config, StateDict.of(manager, tensors));
                NDArray responses = c.run(network, stream, 2, c.noise);
                collector.backward(responses.mul(weights).sum());
            }
            for (String key : entry.getValue()) {
                String what = c.name + " gradient " + path + " " + key;
                NDArray expected = c.data.array("grad_" + path + "." + key);
                NDArray actual = tensors.get(key).getGradient();
                assertEquals(expected.getShape(), actual.getShape(), what);
                double scale = expected.abs().max().getFloat();
                double err = expected.sub(actual).abs().max().getFloat() / scale;
                Double fnnFloat32 = conditioning.get(path + " " + key);
                assertTrue(fnnFloat32 != null, what + ": not in conditioning.txt");
                double tol = Math.max(GRADIENT_FLOOR, CONDITIONING_FACTOR * fnnFloat32);
                System.out.printf("%s: max relative error %.2e, bound %.1e (fnn float32 vs float64 %.1e; max |expected|"
                        + " %.3g)%n", what, err, tol, fnnFloat32, scale);
                assertTrue(scale > 0, what + ": fnn's gradient is zero");
                if (!(err <= tol)) {
                    failures.add(what + ": max error relative to max |expected| " + err + " > " + tol);
                }
            }
        }
        assertTrue(failures.isEmpty(), "gradients off: " + failures);
    }
}
