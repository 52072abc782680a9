package io.twinloop.ops.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinloop.ops.broker.EmbeddedKafka;
import io.twinloop.ops.broker.TopicSetup;
import io.twinloop.ops.service.ServiceOptions;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.simulator.recording.DomainClipSource;
import io.twinloop.simulator.recording.RecordingPlan;
import io.twinloop.simulator.recording.SessionRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A synthetic mouse recorded to disk, replayed through a real broker with the mouse itself as the
 * twin: every frame must come back, and the perfect twin must score at the noise ceiling.
 */
class ReplayIntegrationTest {

    @Test
    void perfectTwinReplayedThroughKafkaScoresAtTheNoiseCeiling(@TempDir Path dir) throws Exception {
        Path recording = dir.resolve("mouse");
        RecordingPlan plan = new RecordingPlan(1, 1, 1, 4, 120, DomainClipSource.defaultWeights());
        SessionRecorder.recordSimulated(recording, 3, plan, MouseConfig.defaults().withNeurons(60), false);

        RecordingReplay replay = new RecordingReplay(recording, Set.of("oracle", "final_test_main"), false, 10,
                Duration.ofSeconds(60));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            TopicSetup.ensureTopics(kafka.bootstrapServers(), 2, (short) 1);
            String line = replay.run(kafka.bootstrapServers(), new ServiceOptions(kafka.bootstrapServers(),
                    "replay-it", dir.resolve("streams"), "127.0.0.1", 0, Duration.ofMillis(50)),
                    replay.groundTruthTwin(), "twin", dir.resolve("report"));
            JsonNode result = new ObjectMapper().readTree(line);

            assertEquals(8 * 120, result.get("frames").asLong(), line);
            assertEquals(0, result.get("lost").asLong(), line);
            assertEquals(0, result.get("duplicated").asLong(), line);
            assertTrue(result.get("median_cc_norm").asDouble() > 0.85, line);
            assertTrue(result.get("median_single_trial_correlation").asDouble() > 0.1, line);

            NpyArray predictions = Npy.read(dir.resolve("report").resolve("predictions.npy"));
            assertArrayEquals(new long[] {8, 120, 60}, predictions.shape());
            assertTrue(Files.exists(dir.resolve("report").resolve("report.md")));
            assertTrue(Files.size(dir.resolve("report").resolve("traces.png")) > 1000);
        }
    }
}
