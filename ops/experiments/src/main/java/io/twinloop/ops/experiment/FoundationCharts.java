package io.twinloop.ops.experiment;

import io.twinloop.inference.training.EpochMetrics;
import io.twinloop.ops.training.HeldOutEvaluation;
import io.twinloop.ops.validation.Moments;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The experiment's plots: Fig. 3 (CC_norm against minutes of data, per test domain) and the learning curves. */
final class FoundationCharts {

    private FoundationCharts() {
    }

    static void write(Path out, List<Integer> amounts, List<FoundationExperiment.FitResult> fits,
                      List<EpochMetrics> coreCurve, ReferenceLosses references) throws IOException {
        List<XYChart> panels = new ArrayList<>();
        for (String domain : FoundationExperiment.TEST_DOMAINS) {
            XYChart chart = new XYChartBuilder().width(420).height(360).title(domain).xAxisTitle("minutes of training data")
                    .yAxisTitle("median CC_norm (mean, SD over seeds)").build();
            chart.getStyler().setXAxisDecimalPattern("0.##");
            for (String model : List.of(FoundationExperiment.FOUNDATION, FoundationExperiment.INDIVIDUAL)) {
                List<Double> x = new ArrayList<>();
                List<Double> mean = new ArrayList<>();
                List<Double> spread = new ArrayList<>();
                for (int amount : amounts) {
                    double[] scores = fits.stream().filter(f -> f.model().equals(model) && f.amount() == amount)
                            .flatMap(f -> FitComparison.score(f, domain).stream())
                            .mapToDouble(s -> Double.isFinite(s) ? s : 0).toArray();
                    if (scores.length > 0) {
                        x.add(amount * 10 / 60.0);
                        mean.add(Moments.mean(scores));
                        // one seed: no spread to show
                        spread.add(scores.length > 1 ? Math.sqrt(Moments.variance(scores, 1)) : 0);
                    }
                }
                if (!x.isEmpty()) {
                    // the mean over the fits' seeds, with their standard deviation as the error bar
                    XYSeries series = chart.addSeries(model, x, mean, spread);
                    series.setMarker(SeriesMarkers.CIRCLE);
                }
            }
            panels.add(chart);
        }
        BitmapEncoder.saveBitmap(panels, 1, panels.size(), out.resolve("fig3-foundation-vs-individual.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);

        XYChart curves = new XYChartBuilder().width(720).height(440).title("learning curves (validation loss per epoch)")
                .xAxisTitle("epoch").yAxisTitle("Poisson loss per unit and frame").build();
        addCurve(curves, "cohort core (all mice)", coreCurve);
        int largest = amounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        int longest = coreCurve.size();
        for (FoundationExperiment.FitResult f : fits) {
            if (f.amount() == largest && f.seedIndex() == 0) {
                addCurve(curves, "new mouse, " + f.model() + ", " + largest + " trials", f.curve());
                longest = Math.max(longest, f.curve().size());
            }
        }
        // the new mouse's references on its validation trials
        addLevel(curves, "new mouse: each unit's mean rate", references.constantRate(), longest);
        addLevel(curves, "new mouse: perfect twin (noise-free response)", references.perfectTwin(), longest);
        BitmapEncoder.saveBitmap(curves, out.resolve("learning-curves.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void addCurve(XYChart chart, String name, List<EpochMetrics> curve) {
        if (curve.isEmpty()) {
            return;
        }
        double[] x = new double[curve.size()];
        double[] y = new double[curve.size()];
        for (int i = 0; i < curve.size(); i++) {
            x[i] = i + 1;
            y[i] = curve.get(i).validationLoss();
        }
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    }

    private static void addLevel(XYChart chart, String name, double level, int epochs) {
        chart.addSeries(name, new double[] {1, Math.max(2, epochs)}, new double[] {level, level})
                .setMarker(SeriesMarkers.NONE);
    }

    /** @return a readable line per domain, for logs */
    static String describe(List<HeldOutEvaluation.DomainScores> scores) {
        StringBuilder b = new StringBuilder();
        scores.forEach(s -> b.append(String.format("%s %.3f; ", s.domain(), s.ccNorm())));
        return b.toString();
    }
}
