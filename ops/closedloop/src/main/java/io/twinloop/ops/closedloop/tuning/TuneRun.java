package io.twinloop.ops.closedloop.tuning;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.ops.closedloop.ClipResponder;
import io.twinloop.simulator.mouse.BehaviourAtFrame;
import io.twinloop.simulator.mouse.GroundTruth;
import io.twinloop.simulator.mouse.NeuronTuning;
import io.twinloop.simulator.stimuli.TuningStimuli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One in-silico tuning run: the protocol on a twin's predictions and on the mouse's recorded responses to the
 * same stimuli, both compared with the synthetic mouse's truth; writes {@code tuning.csv} (one row per unit),
 * {@code summary.json} and the Fig. 4-style plots, and returns the summary as one JSON line.
 */
public final class TuneRun {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TuneRun() {
    }

    /**
     * @param twin      the twin measured (predictions)
     * @param recorded  the mouse measured on the rig (noisy responses): the "in vivo" estimate
     * @param truth     the synthetic mouse's ground truth, in the twin's unit order
     * @param held      the behaviour both were held at
     * @param protocol  stimuli and settings for the twin
     * @param recordedProtocol the same stimuli, with as many repeats as noisy responses need
     */
    public static String run(ClipResponder twin, ClipResponder recorded, GroundTruth truth, BehaviourAtFrame held,
                             TuningProtocol protocol, TuningProtocol recordedProtocol, Path out, long seed)
            throws IOException {
        Files.createDirectories(out);
        List<NeuronTuning> neurons = truth.neurons();
        TuningMeasurement twinMeasured = protocol.measure(twin);
        TuningMeasurement recordedMeasured = recordedProtocol.measure(recorded);
        if (twinMeasured.units() != neurons.size() || recordedMeasured.units() != neurons.size()) {
            throw new IllegalArgumentException("twin has " + twinMeasured.units() + " units, recording "
                    + recordedMeasured.units() + ", ground truth " + neurons.size());
        }
        List<UnitTuning> twinTuning = protocol.analyse(twinMeasured, seed);
        List<UnitTuning> recordedTuning = recordedProtocol.analyse(recordedMeasured, seed);
        TruthComparison.Summary twinSummary = TruthComparison.summarise(twinTuning, neurons, truth.config(), held);
        TruthComparison.Summary recordedSummary =
                TruthComparison.summarise(recordedTuning, neurons, truth.config(), held);

        writeCsv(out.resolve("tuning.csv"), neurons, truth, held, twinTuning, recordedTuning);
        SpatialTuning spatial = new SpatialTuning(protocol.dotGrid()[0], protocol.dotGrid()[1]);
        List<TuningCharts.Unit> units = new ArrayList<>();
        for (int u = 0; u < neurons.size(); u++) {
            NeuronTuning t = neurons.get(u);
            double[] where = TruthComparison.trueLocation(t, truth.config(), held);
            units.add(new TuningCharts.Unit(t.unitId(), t.orientationDegrees(), t.directionDegrees(), where[0],
                    where[1], twinTuning.get(u), recordedTuning.get(u), twinMeasured.directionCurves()[u],
                    recordedMeasured.directionCurves()[u],
                    spatial.sta(twinMeasured.dotEvoked()[u], twinMeasured.dotPosition()),
                    spatial.sta(recordedMeasured.dotEvoked()[u], recordedMeasured.dotPosition())));
        }
        TuningCharts.write(out, units, examples(twinTuning), TuningStimuli.DOT_ROWS, TuningStimuli.DOT_COLUMNS);

        ObjectNode summary = JSON.createObjectNode();
        summary.put("units_tuned", neurons.size());
        put(summary, twinSummary);
        ObjectNode rec = summary.putObject("recorded");
        put(rec, recordedSummary);
        summary.put("median_orientation_difference_twin_vs_recorded_deg",
                twinVsRecorded(twinTuning, recordedTuning));
        summary.put("out", out.toString());
        String line = JSON.writeValueAsString(summary);
        Files.writeString(out.resolve("summary.json"), line + "\n");
        return line;
    }

    private static void put(ObjectNode node, TruthComparison.Summary s) {
        node.put("median_orientation_error_deg", round(s.medianOrientationErrorDeg(), 2));
        node.put("orientation_units", s.orientationUnits());
        node.put("median_direction_error_deg", round(s.medianDirectionErrorDeg(), 2));
        node.put("direction_units", s.directionUnits());
        node.put("median_location_error", round(s.medianLocationError(), 4));
        node.put("spatially_tuned", s.spatiallyTuned());
        node.put("fraction_spatially_tuned", round(s.fractionSpatiallyTuned(), 3));
    }

    /** Median |twin - recorded| preferred orientation over units with OSI > 0.3 in both (Fig. 4f). */
    private static double twinVsRecorded(List<UnitTuning> twin, List<UnitTuning> recorded) {
        double[] d = new double[twin.size()];
        for (int u = 0; u < d.length; u++) {
            boolean both = twin.get(u).osi() > TruthComparison.SELECTIVE
                    && recorded.get(u).osi() > TruthComparison.SELECTIVE;
            d[u] = both ? DirectionTuning.angularError(twin.get(u).orientationDeg(), recorded.get(u).orientationDeg(),
                    180) : Double.NaN;
        }
        return round(TruthComparison.median(d), 2);
    }

    /** Four example units: the most orientation-selective spatially tuned ones, in unit order. */
    private static int[] examples(List<UnitTuning> tuning) {
        Integer[] order = new Integer[tuning.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score(tuning.get(b)), score(tuning.get(a))));
        return Arrays.stream(order).limit(Math.min(4, order.length)).mapToInt(Integer::intValue).sorted().toArray();
    }

    private static double score(UnitTuning t) {
        return (t.spatiallyTuned() ? 1 : 0) + (Double.isFinite(t.osi()) ? t.osi() : 0);
    }

    private static void writeCsv(Path file, List<NeuronTuning> neurons, GroundTruth truth, BehaviourAtFrame held,
                                 List<UnitTuning> twin, List<UnitTuning> recorded) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("unit_id,cell_type,true_direction_deg,true_orientation_deg,true_direction_selectivity,"
                    + "true_x,true_y," + columns("twin") + "," + columns("recorded")
                    + ",twin_orientation_error_deg,twin_direction_error_deg,twin_location_error,"
                    + "recorded_orientation_error_deg,recorded_direction_error_deg,recorded_location_error");
            for (int u = 0; u < neurons.size(); u++) {
                NeuronTuning t = neurons.get(u);
                double[] where = TruthComparison.trueLocation(t, truth.config(), held);
                TruthComparison.Errors te = TruthComparison.errors(twin.get(u), t, truth.config(), held);
                TruthComparison.Errors re = TruthComparison.errors(recorded.get(u), t, truth.config(), held);
                w.println(String.join(",", Long.toString(t.unitId()), t.cellType().name().toLowerCase(Locale.ROOT),
                        f(t.directionDegrees()), f(t.orientationDegrees()), f(t.directionSelectivity()), f(where[0]),
                        f(where[1]), values(twin.get(u)), values(recorded.get(u)), f(te.orientationDeg()),
                        f(te.directionDeg()), f(te.location()), f(re.orientationDeg()), f(re.directionDeg()),
                        f(re.location())));
            }
        }
    }

    private static String columns(String prefix) {
        return String.join(",", List.of("osi", "dsi", "direction_deg", "orientation_deg", "ssi", "sta_z",
                "spatially_tuned", "x", "y").stream().map(c -> prefix + "_" + c).toList());
    }

    private static String values(UnitTuning t) {
        return String.join(",", f(t.osi()), f(t.dsi()), f(t.directionDeg()), f(t.orientationDeg()), f(t.ssi()),
                f(t.z()), t.spatiallyTuned() ? "1" : "0", f(t.x()), f(t.y()));
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.5g", v);
    }

    private static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return v;
        }
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }
}
