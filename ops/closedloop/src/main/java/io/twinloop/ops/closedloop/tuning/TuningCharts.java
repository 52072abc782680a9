package io.twinloop.ops.closedloop.tuning;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The figures of a tuning run in the style of Wang et al. 2025, Fig. 4 d-i: example direction tuning curves,
 * selectivity and preferences measured on the twin against the recorded estimate and the truth, example STAs.
 */
final class TuningCharts {

    private static final int SIZE = 420;

    private TuningCharts() {
    }

    /** One unit as the charts need it. */
    record Unit(long id, double trueOrientation, double trueDirection, double trueX, double trueY, UnitTuning twin,
                UnitTuning recorded, double[] twinCurve, double[] recordedCurve, double[] twinSta,
                double[] recordedSta) {
    }

    static void write(Path out, List<Unit> units, int[] examples, int staRows, int staColumns) throws IOException {
        List<Chart<?, ?>> curves = new ArrayList<>();
        for (int e : examples) {
            Unit u = units.get(e);
            XYChart chart = chart("unit " + u.id() + " (true direction " + Math.round(u.trueDirection()) + ")",
                    "direction (deg)", "evoked response");
            double[] angles = new double[u.twinCurve().length + 1];
            for (int k = 0; k < angles.length; k++) {
                angles[k] = 360.0 * k / u.twinCurve().length;
            }
            line(chart, "twin", angles, closed(u.twinCurve()));
            line(chart, "recorded", angles, closed(u.recordedCurve()));
            curves.add(chart);
        }
        BitmapEncoder.saveBitmap(curves, 1, curves.size(), out.resolve("fig4d-direction-tuning.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);

        List<Chart<?, ?>> panels = new ArrayList<>();
        panels.add(scatter("OSI", "recorded", "twin", units, u -> u.recorded().osi(), u -> u.twin().osi(), 0, 1));
        panels.add(scatter("DSI", "recorded", "twin", units, u -> u.recorded().dsi(), u -> u.twin().dsi(), 0, 1));
        panels.add(preference("preferred orientation, OSI > 0.3 (deg)", units, 180,
                u -> u.twin().osi() > TruthComparison.SELECTIVE, u -> u.recorded().osi() > TruthComparison.SELECTIVE,
                Unit::trueOrientation, u -> u.twin().orientationDeg(), u -> u.recorded().orientationDeg()));
        BitmapEncoder.saveBitmap(panels, 1, panels.size(), out.resolve("fig4ef-orientation.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);

        List<Chart<?, ?>> direction = new ArrayList<>();
        direction.add(preference("preferred direction, DSI > 0.3 (deg)", units, 360,
                u -> u.twin().dsi() > TruthComparison.SELECTIVE, u -> u.recorded().dsi() > TruthComparison.SELECTIVE,
                Unit::trueDirection, u -> u.twin().directionDeg(), u -> u.recorded().directionDeg()));
        BitmapEncoder.saveBitmap(direction, 1, 1, out.resolve("direction.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);

        List<Chart<?, ?>> spatial = new ArrayList<>();
        List<Unit> bothFinite = units.stream().filter(u -> Double.isFinite(u.twin().ssi())
                && Double.isFinite(u.recorded().ssi())).toList();
        spatial.add(scatter("SSI", "recorded", "twin", bothFinite, u -> u.recorded().ssi(), u -> u.twin().ssi(),
                Double.NaN, Double.NaN));
        spatial.add(preference("location x, spatially tuned (width)", units, Double.NaN,
                u -> u.twin().spatiallyTuned(), u -> u.recorded().spatiallyTuned(),
                Unit::trueX, u -> u.twin().x(), u -> u.recorded().x()));
        spatial.add(preference("location y, spatially tuned (width)", units, Double.NaN,
                u -> u.twin().spatiallyTuned(), u -> u.recorded().spatiallyTuned(),
                Unit::trueY, u -> u.twin().y(), u -> u.recorded().y()));
        BitmapEncoder.saveBitmap(spatial, 1, spatial.size(), out.resolve("fig4hi-spatial.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);

        writeStas(out.resolve("fig4g-sta.png"), units, examples, staRows, staColumns);
    }

    /** STAs of the examples, twin above recorded, each scaled to its own maximum (gray 0, white max). */
    private static void writeStas(Path file, List<Unit> units, int[] examples, int rows, int columns)
            throws IOException {
        int scale = 8;
        int gap = 6;
        int width = examples.length * (columns * scale + gap);
        int height = 2 * (rows * scale + gap);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int e = 0; e < examples.length; e++) {
            Unit u = units.get(examples[e]);
            paint(image, u.twinSta(), rows, columns, scale, e * (columns * scale + gap), 0);
            paint(image, u.recordedSta(), rows, columns, scale, e * (columns * scale + gap), rows * scale + gap);
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void paint(BufferedImage image, double[] sta, int rows, int columns, int scale, int left,
                              int top) {
        double max = 0;
        for (double v : sta) {
            max = Math.max(max, Math.abs(v));
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                double v = max > 0 ? sta[i * columns + j] / max : 0;
                int level = (int) Math.round(127.5 + 127.5 * Math.max(-1, Math.min(1, v)));
                int rgb = (level << 16) | (level << 8) | level;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        image.setRGB(left + j * scale + dx, top + i * scale + dy, rgb);
                    }
                }
            }
        }
    }

    private static XYChart scatter(String what, String xName, String yName, List<Unit> units,
                                   ToDoubleFunction<Unit> x, ToDoubleFunction<Unit> y, double lo, double hi) {
        XYChart chart = chart(what + ": twin vs recorded", what + " " + xName, what + " " + yName);
        points(chart, "units", units.stream().mapToDouble(x).toArray(), units.stream().mapToDouble(y).toArray());
        identity(chart, lo, hi, units.stream().mapToDouble(x).toArray(), units.stream().mapToDouble(y).toArray());
        return chart;
    }

    /** Measured preference against the truth for twin and recorded; period NaN for a linear quantity. */
    private static XYChart preference(String title, List<Unit> units, double period,
                                      java.util.function.Predicate<Unit> twinScored,
                                      java.util.function.Predicate<Unit> recordedScored,
                                      ToDoubleFunction<Unit> truth, ToDoubleFunction<Unit> twin,
                                      ToDoubleFunction<Unit> recorded) {
        XYChart chart = chart(title, "true", "measured");
        List<Unit> t = units.stream().filter(twinScored).toList();
        List<Unit> r = units.stream().filter(recordedScored).toList();
        points(chart, "twin", t.stream().mapToDouble(truth).toArray(),
                unwrapped(t, truth, twin, period));
        points(chart, "recorded", r.stream().mapToDouble(truth).toArray(),
                unwrapped(r, truth, recorded, period));
        double[] all = units.stream().mapToDouble(truth).toArray();
        identity(chart, Double.isNaN(period) ? Double.NaN : 0, Double.isNaN(period) ? Double.NaN : period, all, all);
        return chart;
    }

    /** The measured angle moved by whole periods to lie within half a period of the truth (for plotting). */
    private static double[] unwrapped(List<Unit> units, ToDoubleFunction<Unit> truth, ToDoubleFunction<Unit> value,
                                      double period) {
        double[] out = new double[units.size()];
        for (int i = 0; i < out.length; i++) {
            double v = value.applyAsDouble(units.get(i));
            double t = truth.applyAsDouble(units.get(i));
            out[i] = Double.isNaN(period) ? v : t + (DirectionTuning.wrap(v - t + period / 2, period) - period / 2);
        }
        return out;
    }

    private static void identity(XYChart chart, double lo, double hi, double[] x, double[] y) {
        if (Double.isNaN(lo)) {
            lo = Double.POSITIVE_INFINITY;
            hi = Double.NEGATIVE_INFINITY;
            for (double[] values : new double[][] {x, y}) {
                for (double v : values) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            if (!(hi > lo)) {
                return;
            }
        }
        XYSeries line = chart.addSeries("identity", new double[] {lo, hi}, new double[] {lo, hi});
        line.setMarker(SeriesMarkers.NONE);
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    }

    private static void points(XYChart chart, String name, double[] x, double[] y) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                xs.add(x[i]);
                ys.add(y[i]);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name + " (" + xs.size() + ")", xs, ys);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        series.setMarker(SeriesMarkers.CIRCLE);
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(SIZE).height(SIZE).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setMarkerSize(4);
        return chart;
    }

    private static void line(XYChart chart, String name, double[] x, double[] y) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.CIRCLE);
    }

    private static double[] closed(double[] curve) {
        double[] out = new double[curve.length + 1];
        System.arraycopy(curve, 0, out, 0, curve.length);
        out[curve.length] = curve[0];
        return out;
    }
}
