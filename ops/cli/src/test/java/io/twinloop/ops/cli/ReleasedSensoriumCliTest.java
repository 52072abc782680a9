package io.twinloop.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinloop.ops.TwinloopCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code twinloop train} and {@code twinloop replay}, as a user runs them, on mouse folders in the layout the
 * Sensorium 2023 challenge released (written by NumPy: inference/recordings/src/test/resources/sensorium2023, whose
 * README names the sources): float64 and float32 arrays, statistics per frame and per channel, NaN-padded trials,
 * {@code none} tiers, all-zero test responses and no clip ids.
 */
class ReleasedSensoriumCliTest {

    /** The fixture lies in the recordings module; Surefire runs in this module's folder. */
    private static final Path FIXTURE = Path.of("..", "..", "inference", "recordings", "src", "test", "resources",
            "sensorium2023").toAbsolutePath().normalize();

    private record Run(int status, String stdout, String stderr) {
        JsonNode lastLine() throws Exception {
            String[] lines = stdout.strip().split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        }
    }

    private static Run twinloop(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx3g", "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), TwinloopCli.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(600, TimeUnit.SECONDS)) {
                throw new AssertionError("twinloop " + String.join(" ", args) + " did not end");
            }
        } finally {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String[] trainArgs(Path mouse, Path out) {
        return new String[] {"train", "--recording", mouse.toString(), "--out", out.toString(), "--model-config", "tiny",
                "--epochs", "1", "--batches", "2", "--validation-batches", "1", "--batch-size", "2", "--clip-length",
                "8", "--burnin", "2", "--torch-threads", "1", "--score-tier", "oracle"};
    }

    @Test
    void trainsAndReplaysAReleasedFloat64MouseWithPerFrameStatistics(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("new.twinloop");
        Run train = twinloop(dir, trainArgs(FIXTURE.resolve("mouse-new"), model));
        assertEquals(0, train.status(), train.stderr());
        JsonNode trained = train.lastLine();
        double offline = trained.at("/cc_norm/mouse-new/all").asDouble(Double.NaN);
        assertTrue(Double.isFinite(offline), train.stdout());
        assertTrue(Files.size(model) > 0);

        Run replay = twinloop(dir, "replay", FIXTURE.resolve("mouse-new").toString(), "--report",
                dir.resolve("report").toString(), "--params", model.toString(), "--burn-in", "2",
                "--challenge-skip-frames", "2");
        assertEquals(0, replay.status(), replay.stderr());
        JsonNode replayed = replay.lastLine();
        // 4 oracle trials (2 clips x 2 repeats found from identical videos) of 12, 11, 12 and 11 frames, each
        // replayed at its own length and scored cropped to the 11 frames all have; the 2 final_test_main trials hold
        // all-zero (withheld) responses and stay out
        assertEquals(4, replayed.get("trials").asInt(), replay.stdout());
        assertEquals(12 + 11 + 12 + 11, replayed.get("frames").asLong(), replay.stdout());
        // the challenge's scores: every trial at its own length after the skipped frames, repeats of 2 videos
        JsonNode challenge = replayed.get("challenge");
        assertEquals(2, challenge.get("skip_frames").asInt(), replay.stdout());
        assertEquals(4, challenge.get("trials").asInt(), replay.stdout());
        assertEquals(2, challenge.get("videos").asInt(), replay.stdout());
        assertEquals(10 + 9 + 10 + 9, challenge.get("frames_scored").asLong(), replay.stdout());
        assertTrue(Double.isFinite(challenge.get("single_trial_correlation").asDouble(Double.NaN)), replay.stdout());
        assertTrue(Double.isFinite(challenge.get("correlation_to_average").asDouble(Double.NaN)), replay.stdout());
        assertTrue(Files.readString(dir.resolve("report").resolve("report.md"))
                .contains("Sensorium 2023 challenge scores"));
        assertEquals(0, replayed.get("lost").asLong(), replay.stdout());
        assertEquals(6, replayed.get("units").asInt(), replay.stdout());
        // The same network on the same inputs (rounded 36 x 64 pixels, the same standardisation) through Kafka
        // as offline after training: only float32 summation order may differ, far below this tolerance.
        assertEquals(offline, replayed.get("median_cc_norm").asDouble(), 0.01, replay.stdout() + train.stdout());

        Run testTier = twinloop(dir, "replay", FIXTURE.resolve("mouse-new").toString(), "--report",
                dir.resolve("report-test").toString(), "--params", model.toString(), "--tiers", "final_test_main");
        assertNotEquals(0, testTier.status());
        assertTrue(testTier.stderr().contains("all-zero responses"), testTier.stderr());
    }

    @Test
    void trainsADatasetRootOfReleasedMiceAsACohort(@TempDir Path dir) throws Exception {
        // the root holds mouse-new (float64, per-frame statistics) and mouse-old (float32, per-channel statistics,
        // a none tier)
        Run train = twinloop(dir, trainArgs(FIXTURE, dir.resolve("cohort")));
        assertEquals(0, train.status(), train.stderr());
        JsonNode trained = train.lastLine();
        for (String mouse : List.of("mouse-new", "mouse-old")) {
            // scored on its oracle tier (a NaN score is possible: in 2 batches a mouse may get no clip, and an
            // untrained readout predicts a constant, whose correlation is undefined)
            assertTrue(trained.at("/cc_norm/" + mouse + "/all").isValueNode(), train.stdout());
            assertTrue(Files.size(dir.resolve("cohort").resolve(mouse + ".twinloop")) > 0, mouse);
        }
        assertTrue(Double.isFinite(trained.at("/cc_norm/mouse-new/all").asDouble(Double.NaN)), train.stdout());
        assertTrue(Double.isFinite(trained.get("training_loss").asDouble(Double.NaN)), train.stdout());
    }
}
