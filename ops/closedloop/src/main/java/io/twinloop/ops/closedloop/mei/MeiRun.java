package io.twinloop.ops.closedloop.mei;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.ops.closedloop.ClipResponder;
import io.twinloop.simulator.mouse.NeuronTuning;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Gradient-free MEIs against the best natural clip (Walker et al. 2019's comparison, offline): the twin ranks
 * the recording's natural segments per unit; CMA-ES and, for comparison, random search with as many
 * evaluations find each unit's MEI at the RMS contrast of its best natural segment; the mouse is then shown
 * the MEI, the random-search best and the best natural segment, and the ratio of its mean responses is reported.
 */
public final class MeiRun {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param generations CMA-ES generations (random search gets generations x population evaluations too)
     * @param sigma       CMA-ES initial step size
     */
    public record Settings(int frames, int windowFrom, double maxCyclesPerPixel, double maxSpeed, int generations,
                           double sigma, int maxBatch) {
        public static Settings defaults() {
            return new Settings(20, 8, 0.05, 4.0, 60, 1.0, 64);
        }
    }

    private MeiRun() {
    }

    /**
     * @param twin     what the optimiser sees
     * @param mouse    what the MEIs are finally shown to (for the ground-truth twin, the same mouse)
     * @param columns  output columns (of twin and mouse) of the units optimised
     * @param unitIds  their ids, for the report
     * @param truth    their true tuning for the pictures, or null
     */
    public static String run(ClipResponder twin, ClipResponder mouse, int[] columns, long[] unitIds,
                             List<NaturalSegments.Segment> naturals, Settings settings, Path out, long seed,
                             List<NeuronTuning> truth) throws IOException {
        Files.createDirectories(out);
        int units = columns.length;
        // 1. the twin ranks the natural segments for every unit
        double[][] naturalTwin = responses(twin, frames(naturals), columns, settings);
        int[] bestNatural = new int[units];
        double[] rms = new double[units];
        for (int u = 0; u < units; u++) {
            for (int s = 0; s < naturals.size(); s++) {
                if (naturalTwin[s][u] > naturalTwin[bestNatural[u]][u]) {
                    bestNatural[u] = s;
                }
            }
            rms[u] = Contrast.rms(naturals.get(bestNatural[u]).frames());
        }
        // 2. CMA-ES and random search with the same evaluations, on the twin's outputs only
        DriftingFourierBasis basis = new DriftingFourierBasis(naturals.get(0).frames()[0].length / widthOf(naturals),
                widthOf(naturals), settings.maxCyclesPerPixel(), settings.maxSpeed());
        MeiSearch search = new MeiSearch(basis, settings.frames(), settings.windowFrom(), settings.maxBatch());
        long started = System.nanoTime();
        List<MeiSearch.Result> cma = search.cmaEs(twin, columns, rms, settings.generations(), settings.sigma(), seed);
        double seconds = (System.nanoTime() - started) / 1e9;
        int lambda = new SepCmaEs(new double[basis.dimension()], 1, 0, 0).populationSize();
        List<MeiSearch.Result> random = search.randomSearch(twin, columns, rms, settings.generations(), lambda,
                seed + 1);
        // 3. the mouse sees MEI, random-search best and best natural segment
        List<float[][]> shown = new ArrayList<>();
        for (int u = 0; u < units; u++) {
            shown.add(basis.render(cma.get(u).best(), settings.frames(), rms[u]));
            shown.add(basis.render(random.get(u).best(), settings.frames(), rms[u]));
            shown.add(naturals.get(bestNatural[u]).frames());
        }
        double[][] seen = responses(mouse, shown, columns, settings);
        double[] ratio = new double[units];
        double[] ratioRandom = new double[units];
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("mei.csv")))) {
            w.println("unit_id,best_natural_trial,best_natural_first_frame,rms_contrast,twin_natural,twin_mei,"
                    + "twin_random,mouse_natural,mouse_mei,mouse_random,ratio_vs_best_natural,ratio_random_search,"
                    + "speed_x_px_per_frame,speed_y_px_per_frame");
            for (int u = 0; u < units; u++) {
                double natural = seen[3 * u + 2][u];
                ratio[u] = seen[3 * u][u] / natural;
                ratioRandom[u] = seen[3 * u + 1][u] / natural;
                double[] v = basis.velocity(cma.get(u).best());
                NaturalSegments.Segment best = naturals.get(bestNatural[u]);
                w.println(String.join(",", Long.toString(unitIds[u]), Integer.toString(best.trial()),
                        Integer.toString(best.firstFrame()), f(rms[u]), f(naturalTwin[bestNatural[u]][u]),
                        f(cma.get(u).predicted()), f(random.get(u).predicted()), f(natural), f(seen[3 * u][u]),
                        f(seen[3 * u + 1][u]), f(ratio[u]), f(ratioRandom[u]), f(v[0]), f(v[1])));
            }
        }
        writeProgress(out.resolve("progress.png"), cma, random, naturalTwin, bestNatural, lambda);
        writePictures(out.resolve("meis.png"), shown, units, naturals.get(0).frames()[0].length / widthOf(naturals),
                widthOf(naturals), truth);

        ObjectNode summary = JSON.createObjectNode();
        summary.put("units", units);
        summary.put("median_ratio_vs_best_natural", round(median(ratio)));
        summary.put("median_ratio_random_search", round(median(ratioRandom)));
        summary.put("fraction_above_1", round(Arrays.stream(ratio).filter(r -> r > 1).count() / (double) units));
        summary.put("evaluations_per_unit", settings.generations() * lambda);
        summary.put("basis", "drifting Fourier image, " + basis.components() + " wave vectors up to "
                + settings.maxCyclesPerPixel() + " cycles/px, 2 velocity parameters");
        summary.put("basis_dimension", basis.dimension());
        summary.put("population", lambda);
        summary.put("candidate_frames_per_second",
                Math.round(units * (double) settings.generations() * lambda * settings.frames() / seconds));
        summary.put("natural_segments", naturals.size());
        summary.put("out", out.toString());
        String line = JSON.writeValueAsString(summary);
        Files.writeString(out.resolve("summary.json"), line + "\n");
        return line;
    }

    /** @return the width of the segments' frames (16:9, as the rig's) */
    public static int widthOf(List<NaturalSegments.Segment> naturals) {
        int pixels = naturals.get(0).frames()[0].length;
        // the rig's frames are 16:9 (144 x 256); any screen whose width is 16/9 of its height
        int height = (int) Math.round(Math.sqrt(pixels * 9.0 / 16.0));
        if (height * (pixels / height) != pixels) {
            throw new IllegalArgumentException("cannot tell the frame's shape from " + pixels + " pixels");
        }
        return pixels / height;
    }

    private static List<float[][]> frames(List<NaturalSegments.Segment> naturals) {
        return naturals.stream().map(NaturalSegments.Segment::frames).toList();
    }

    /** @return [clip][unit] window-mean responses of the chosen columns, in batches */
    private static double[][] responses(ClipResponder twin, List<float[][]> clips, int[] columns, Settings s) {
        double[][] out = new double[clips.size()][columns.length];
        for (int from = 0; from < clips.size(); from += s.maxBatch()) {
            List<float[][]> batch = clips.subList(from, Math.min(from + s.maxBatch(), clips.size()));
            float[][][] r = twin.respond(batch);
            for (int i = 0; i < batch.size(); i++) {
                for (int u = 0; u < columns.length; u++) {
                    out[from + i][u] = MeiSearch.windowMean(r[i], columns[u], s.windowFrom());
                }
            }
        }
        return out;
    }

    /** Median over units of best-so-far / twin's response to the best natural segment, per evaluation count. */
    private static void writeProgress(Path file, List<MeiSearch.Result> cma, List<MeiSearch.Result> random,
                                      double[][] naturalTwin, int[] bestNatural, int lambda) throws IOException {
        XYChart chart = new XYChartBuilder().width(640).height(420)
                .title("twin response / best natural (median over units)").xAxisTitle("evaluations per unit")
                .yAxisTitle("ratio on the twin").build();
        for (String name : List.of("CMA-ES", "random search")) {
            List<MeiSearch.Result> results = name.equals("CMA-ES") ? cma : random;
            int generations = results.get(0).progress().length;
            double[] x = new double[generations];
            double[] y = new double[generations];
            for (int g = 0; g < generations; g++) {
                double[] ratios = new double[results.size()];
                for (int u = 0; u < ratios.length; u++) {
                    ratios[u] = results.get(u).progress()[g] / naturalTwin[bestNatural[u]][u];
                }
                x[g] = (g + 1.0) * lambda;
                y[g] = median(ratios);
            }
            XYSeries series = chart.addSeries(name, x, y);
            series.setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Per unit a row: the MEI's first and middle frames, the best natural segment's middle frame and, given the
     * truth, the true receptive field (the even Gabor under its envelope, at the reference eye position).
     */
    private static void writePictures(Path file, List<float[][]> shown, int units, int height, int width,
                                      List<NeuronTuning> truth) throws IOException {
        int scale = 2;
        int tiles = truth == null ? 3 : 4;
        int w = width / scale;
        int h = height / scale;
        BufferedImage image = new BufferedImage(tiles * (w + 4), units * (h + 4), BufferedImage.TYPE_INT_RGB);
        for (int u = 0; u < units; u++) {
            float[][] mei = shown.get(3 * u);
            float[][] natural = shown.get(3 * u + 2);
            paint(image, mei[0], width, scale, 0, u * (h + 4));
            paint(image, mei[mei.length / 2], width, scale, w + 4, u * (h + 4));
            paint(image, natural[natural.length / 2], width, scale, 2 * (w + 4), u * (h + 4));
            if (truth != null) {
                paint(image, gabor(truth.get(u), height, width), width, scale, 3 * (w + 4), u * (h + 4));
            }
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static float[] gabor(NeuronTuning t, int height, int width) {
        float[] out = new float[height * width];
        double theta = Math.toRadians(t.directionDegrees());
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double dx = x + 0.5 - t.centreX();
                double dy = y + 0.5 - t.centreY();
                double envelope = Math.exp(-(dx * dx + dy * dy) / (2 * t.sigma() * t.sigma()));
                double carrier = Math.cos(2 * Math.PI * t.spatialFrequency() * (dx * Math.cos(theta)
                        - dy * Math.sin(theta)) + t.phaseRadians());
                out[y * width + x] = (float) (0.5 + 0.5 * envelope * carrier);
            }
        }
        return out;
    }

    private static void paint(BufferedImage image, float[] luminance, int width, int scale, int left, int top) {
        int height = luminance.length / width;
        for (int y = 0; y < height / scale; y++) {
            for (int x = 0; x < width / scale; x++) {
                float v = luminance[(y * scale) * width + x * scale];
                int level = Math.max(0, Math.min(255, Math.round(v * 255)));
                image.setRGB(left + x, top + y, (level << 16) | (level << 8) | level);
            }
        }
    }

    static double median(double[] values) {
        double[] f = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (f.length == 0) {
            return Double.NaN;
        }
        return f.length % 2 == 1 ? f[f.length / 2] : (f[f.length / 2 - 1] + f[f.length / 2]) / 2;
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10000) / 10000.0 : v;
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.5g", v);
    }
}
