package io.twinloop.ops.cli;

import io.twinloop.ops.TwinloopCli;
import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.simulator.recording.RecordingPlan;
import io.twinloop.simulator.recording.SessionRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SIGTERM (what Ctrl-C and a scheduler's stop send) to a {@code train} process in the middle of its batches. Before
 * {@link GracefulStop}, the JVM's exit ran libtorch's destructors under a backward pass and crashed the process (3
 * of 4 tries at these batch sizes, with a JVM crash report); now it stops after the batch and says so.
 */
class TrainStopTest {

    @Test
    void sigtermStopsTrainingAfterTheBatchWithoutACrash(@TempDir Path dir) throws Exception {
        SessionRecorder.recordSimulated(dir.resolve("mouse"), 5,
                new RecordingPlan(4, 1, 0, 1, 60, Map.of("natural-movies", 1.0)),
                MouseConfig.defaults().withNeurons(20), false);
        Path err = dir.resolve("stderr.txt");
        Path out = dir.resolve("stdout.txt");
        Process train = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx3g", "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                TwinloopCli.class.getName(), "train", "--recording", dir.resolve("mouse").toString(),
                "--out", dir.resolve("m.twinloop").toString(), "--model-config", "tiny", "--epochs", "1",
                "--batches", "200", "--batch-size", "16", "--clip-length", "30", "--burnin", "5",
                "--torch-threads", "1", "--score-tier", "none"))
                .directory(dir.toFile()).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        try {
            awaitBatches(train, err, 3);
            train.destroy(); // SIGTERM
            assertTrue(train.waitFor(150, TimeUnit.SECONDS), "the process ended");
        } finally {
            train.destroyForcibly();
        }
        String stderr = Files.readString(err);
        String stdout = Files.readString(out);
        assertFalse(stdout.contains("fatal error"), stdout);
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("hs_err")), "no JVM crash report");
        }
        assertEquals(143, train.exitValue(), "the exit status of a SIGTERM that the JVM handled\n" + stderr);
        assertTrue(stderr.contains("train: stopping after the current batch"), stderr);
        assertTrue(stderr.contains("train: stopped in cycle 0 epoch 0 after "), stderr);
        assertTrue(stderr.contains("nothing was written"), stderr);
        assertFalse(Files.exists(dir.resolve("m.twinloop")));
    }

    /** Waits until the progress bar shows {@code batches} finished training batches. */
    private static void awaitBatches(Process train, Path err, int batches) throws IOException, InterruptedException {
        String shown = " " + batches + "/200 batches";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!train.isAlive()) {
                fail("train ended before its batches: " + Files.readString(err));
            }
            if (Files.readString(err).contains(shown)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("no progress within 180 s: " + Files.readString(err));
    }
}
