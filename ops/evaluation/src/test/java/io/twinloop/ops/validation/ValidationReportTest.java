package io.twinloop.ops.validation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationReportTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void writesMarkdownPlotsSummaryAndPredictionsOfTheFixtureSession(@TempDir Path dir) throws Exception {
        ScoreFixture fixture = new ScoreFixture();
        List<Integer> clips = new ArrayList<>();
        List<float[][]> responses = new ArrayList<>();
        List<float[][]> predictions = new ArrayList<>();
        for (int v = 0; v < fixture.responses.length; v++) {
            for (float[][] repeat : fixture.responses[v]) {
                if (!Float.isNaN(repeat[0][0])) {
                    clips.add(v);
                    responses.add(repeat);
                    predictions.add(fixture.predictions[v]);
                }
            }
        }
        float[][][] predicted = predictions.toArray(float[][][]::new);
        float[][][] recorded = responses.toArray(float[][][]::new);
        NeuronScores scores = new NeuronScorer(ScoreFixture.BURN_IN)
                .score(RepeatedTrials.fromTrials(clips, recorded, predicted));
        long[] latencies = new Random(1).longs(5000, 2_000, 40_000).toArray();
        long[] unitIds = LongStream.range(100, 100 + scores.units()).toArray();

        Path markdown = ValidationReport.write(dir, new ReportInput("fixture", unitIds, predicted, recorded, scores,
                LatencySummary.histogramOf(latencies), ScoreFixture.BURN_IN));

        String md = Files.readString(markdown);
        assertTrue(md.contains("| cc_norm | " + ReportCharts.format(Moments.median(fixture.expected[2])) + " |"), md);
        for (String png : new String[] {"single_trial_correlation.png", "cc_norm.png", "traces.png", "latency.png"}) {
            assertTrue(md.contains("(" + png + ")"), png + " linked");
            BufferedImage image = ImageIO.read(dir.resolve(png).toFile());
            assertNotNull(image, png);
            assertTrue(image.getWidth() >= 600 && image.getHeight() >= 400, png);
        }
        assertEquals(4 * 400, ImageIO.read(dir.resolve("traces.png").toFile()).getHeight(), "four example units");

        JsonNode summary = new ObjectMapper().readTree(dir.resolve(ValidationReport.SUMMARY).toFile());
        assertEquals(0.6801258165169338, summary.at("/scores/cc_norm/median").asDouble(), 1e-6,
                "the fixture's median CC_norm");
        assertEquals(predicted.length, summary.get("trials").asInt());
        double p99 = summary.at("/latency/p99Ms").asDouble();
        assertTrue(p99 > 38 && p99 < 40.1, "p99 of uniform 2..40 ms: " + p99);

        NpyArray written = Npy.read(dir.resolve(ValidationReport.PREDICTIONS));
        assertArrayEquals(new long[] {predicted.length, 60, 40}, written.shape());
        float[] flat = written.asFloats();
        assertEquals(predicted[4][17][23], flat[(4 * 60 + 17) * 40 + 23]);
    }

    @Test
    void examplesSpanTheDistributionAndSkipUndefinedUnits() {
        double[] correlation = {0.1, Double.NaN, 0.9, 0.5, 0.3, 0.7, Double.NaN, 0.2, 0.8, 0.4, 0.6};
        // Nine defined values, ranked 0.1 .. 0.9: quantiles 0.95, 0.75, 0.5, 0.25 pick ranks 8, 6, 4, 2.
        assertArrayEquals(new int[] {2, 5, 3, 4}, ValidationReport.exampleUnits(correlation));
    }

    @Test
    void aSessionWithoutRepeatsStillGetsAReportWithTheCeilingMarkedUndefined(@TempDir Path dir) throws Exception {
        Random random = new Random(3);
        int trials = 3;
        int frames = 40;
        int units = 5;
        float[][][] recorded = new float[trials][frames][units];
        float[][][] predicted = new float[trials][frames][units];
        for (int i = 0; i < trials; i++) {
            for (int t = 0; t < frames; t++) {
                for (int u = 0; u < units; u++) {
                    predicted[i][t][u] = (float) random.nextGaussian();
                    recorded[i][t][u] = predicted[i][t][u] + (float) random.nextGaussian();
                }
            }
        }
        NeuronScores scores = new NeuronScorer(0).score(RepeatedTrials.fromTrials(List.of(0, 1, 2), recorded, predicted));
        ValidationReport.write(dir, new ReportInput("no repeats", LongStream.range(0, units).toArray(), predicted,
                recorded, scores, null, 0));

        JsonNode summary = new ObjectMapper().readTree(dir.resolve(ValidationReport.SUMMARY).toFile());
        assertEquals(0, summary.at("/scores/cc_max/defined").asInt(), "no repeats, no ceiling");
        assertTrue(summary.at("/scores/single_trial_correlation/median").asDouble() > 0.5);
        assertTrue(Files.readString(dir.resolve(ValidationReport.MARKDOWN)).contains("| cc_norm | n/a |"));
        assertTrue(Files.exists(dir.resolve("cc_norm.png")));
    }
}
