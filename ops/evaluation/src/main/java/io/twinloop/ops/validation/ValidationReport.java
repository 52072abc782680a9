package io.twinloop.ops.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/**
 * Writes a validation report into a directory: {@code report.md} with PNG plots (score distributions, example
 * traces, latency), {@code summary.json}, and the predictions as {@code predictions.npy} (float32
 * {@code [trial, frame, unit]}). Charts render headless; run with {@code -Djava.awt.headless=true} where a
 * display is set.
 */
public final class ValidationReport {

    public static final String MARKDOWN = "report.md";
    public static final String SUMMARY = "summary.json";
    public static final String PREDICTIONS = "predictions.npy";

    /** Example units are taken at these quantiles of the single-trial correlation, best first. */
    private static final double[] EXAMPLE_QUANTILES = {0.95, 0.75, 0.5, 0.25};
    private static final int BINS = 30;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ValidationReport() {
    }

    /** @return the report's Markdown file */
    public static Path write(Path directory, ReportInput input) throws IOException {
        Files.createDirectories(directory);
        writePredictions(directory.resolve(PREDICTIONS), input.predictions());
        ReportSummary summary = ReportSummary.of(input);
        JSON.writeValue(directory.resolve(SUMMARY).toFile(), summary);

        NeuronScores scores = input.scores();
        save(ReportCharts.scoreHistogram("single_trial_correlation", scores.singleTrialCorrelation(), BINS),
                directory.resolve("single_trial_correlation.png"));
        save(ReportCharts.scoreHistogram("cc_norm", scores.ccNorm(), BINS), directory.resolve("cc_norm.png"));
        List<XYChart> traces = new ArrayList<>();
        for (int unit : exampleUnits(scores.singleTrialCorrelation())) {
            traces.add(ReportCharts.trace(input.unitIds()[unit], scores.singleTrialCorrelation()[unit],
                    input.predictions()[0], input.responses()[0], unit));
        }
        BitmapEncoder.saveBitmap(traces, traces.size(), 1, directory.resolve("traces.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);
        if (input.latencies() != null && input.latencies().getTotalCount() > 0) {
            save(ReportCharts.latency(input.latencies(), BINS), directory.resolve("latency.png"));
        }
        Path markdown = directory.resolve(MARKDOWN);
        Files.writeString(markdown, ReportMarkdown.render(summary, traces.size()));
        return markdown;
    }

    /** Units at {@link #EXAMPLE_QUANTILES} of the correlation, NaN units excluded, without duplicates. */
    static int[] exampleUnits(double[] correlation) {
        Integer[] ranked = IntStream.range(0, correlation.length).filter(u -> !Double.isNaN(correlation[u]))
                .boxed().sorted(Comparator.comparingDouble(u -> correlation[u])).toArray(Integer[]::new);
        if (ranked.length == 0) {
            return new int[] {0};
        }
        return Arrays.stream(EXAMPLE_QUANTILES)
                .mapToInt(q -> ranked[(int) Math.round(q * (ranked.length - 1))]).distinct().toArray();
    }

    private static void save(XYChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void writePredictions(Path file, float[][][] predictions) throws IOException {
        int frames = predictions[0].length;
        int units = predictions[0][0].length;
        float[] flat = new float[predictions.length * frames * units];
        int i = 0;
        for (float[][] trial : predictions) {
            if (trial.length != frames) {
                throw new IllegalArgumentException("predictions.npy needs trials of equal length; got " + trial.length
                        + " and " + frames + " frames");
            }
            for (float[] frame : trial) {
                System.arraycopy(frame, 0, flat, i, units);
                i += units;
            }
        }
        Npy.write(file, NpyArray.ofFloats(flat, predictions.length, frames, units));
    }
}
