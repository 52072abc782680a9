package io.twinloop.ops.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.model.elements.Convolution2d;
import io.twinloop.inference.model.elements.Precision;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.perspective.Periphery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a step's convolution time goes: every convolution one step of the network makes (all streams, as served),
 * each distinct shape timed on its own in a precision, times the number of calls per step: which layers dominate,
 * and what share of the step the convolutions are.
 */
public final class ConvolutionProfile {

    /**
     * One distinct convolution of a step: calls per step, GFLOP per call, median ms per call in fp32 and in bf16
     * (timed alternately, so that both see the same load), and the median of the per-pair ratios fp32 / bf16.
     */
    public record Row(Convolution2d.Call call, int calls, double gflop, double fp32Ms, double bf16Ms,
                      double speedup) {
        public double fp32MsPerStep() {
            return calls * fp32Ms;
        }

        public double bf16MsPerStep() {
            return calls * bf16Ms;
        }
    }

    private ConvolutionProfile() {
    }

    /** @return the network's convolutions at {@code batch}, most fp32 time per step first */
    public static List<Row> run(Network network, int batch, int repeats) {
        Map<Convolution2d.Call, Integer> counts = new LinkedHashMap<>();
        try (NDManager manager = network.manager().newSubManager(); NoGrad noGrad = new NoGrad()) {
            NetworkState state = NetworkState.fresh();
            // the second frame is a warm one (temporal pasts filled): count that one
            for (int frame = 0; frame < 2; frame++) {
                boolean count = frame == 1;
                Convolution2d.record(call -> {
                    if (count) {
                        counts.merge(call, 1, Integer::sum);
                    }
                }, () -> network.forward(manager.zeros(new Shape(batch, 1, 36, 64)),
                        manager.zeros(new Shape(batch, network.config().perspectives())),
                        manager.zeros(new Shape(batch, network.config().modulations())), null, Periphery.DARK, state,
                        false));
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Convolution2d.Call, Integer> e : counts.entrySet()) {
            double[][] ms = PeakShapes.pairedMs(network.manager(), e.getKey(), repeats);
            double[] ratios = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                ratios[i] = ms[0][i] / ms[1][i];
            }
            rows.add(new Row(e.getKey(), e.getValue(), PeakShapes.flops(e.getKey()) / 1e9, PeakShapes.median(ms[0]),
                    PeakShapes.median(ms[1]), PeakShapes.median(ratios)));
        }
        rows.sort(Comparator.comparingDouble(Row::fp32MsPerStep).reversed());
        return rows;
    }
}
