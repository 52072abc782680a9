package io.twinloop.simulator.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twinloop.simulator.mouse.MouseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** How long a 3-minute, 2000-neuron synthetic session takes to record. Run with -Dtwinloop.benchmark=true. */
@EnabledIfSystemProperty(named = "twinloop.benchmark", matches = "true")
class RecordingSpeedBenchmark {

    @Test
    void recordsThreeMinutes(@TempDir Path dir) throws Exception {
        RecordingPlan plan = RecordingPlan.ofMinutes(3, 30, 5, DomainClipSource.defaultWeights());
        long start = System.nanoTime();
        SessionRecorder.Summary summary = SessionRecorder.recordSimulated(dir, 1, plan, MouseConfig.defaults(), true);
        double seconds = (System.nanoTime() - start) / 1e9;
        long bytes;
        try (var files = Files.walk(dir)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf("%d trials x %d frames, %d units: %.1f s, %.0f MB%n", summary.trials(),
                summary.framesPerTrial(), summary.units(), seconds, bytes / 1e6);
        assertEquals(plan.trials(), summary.trials());
    }
}
