package io.twinloop.simulator.recording;

import io.twinloop.recordings.sensorium.SensoriumVideoClip;
import io.twinloop.recordings.sensorium.SensoriumReader;
import io.twinloop.recordings.sensorium.RecordingLayout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinloop.recordings.npy.Npy;
import io.twinloop.simulator.mouse.GroundTruth;
import io.twinloop.simulator.mouse.MouseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionRecorderTest {

    private static final int UNITS = 60;
    private static final int FRAMES = 24;
    private static final RecordingPlan PLAN = new RecordingPlan(3, 1, 2, 3, FRAMES,
            Map.of("natural-movie", 3.0, "drifting-gabor", 1.0));

    private static SessionRecorder.Summary record(Path out, long seed) throws Exception {
        SessionRecorder recorder = new SessionRecorder(TestSources.gratings(), TestSources.walks(),
                MouseConfig.defaults().withNeurons(UNITS), false);
        return recorder.record(out, seed, PLAN);
    }

    @Test
    void writesTheSensoriumLayoutWithRepeatedValidationAndTestClips(@TempDir Path dir) throws Exception {
        SessionRecorder.Summary summary = record(dir, 42);
        assertEquals(PLAN.trials(), summary.trials());

        SensoriumReader reader = new SensoriumReader(dir);
        assertEquals(PLAN.trials(), reader.trials().size());
        String[] tiers = reader.tiers();
        assertEquals(3, reader.trialsInTier(RecordingLayout.TRAIN).size());
        assertEquals(3, reader.trialsInTier(RecordingLayout.ORACLE).size());
        assertEquals(6, reader.trialsInTier(RecordingLayout.TEST).size());
        assertEquals(UNITS, reader.unitIds().length);

        int trial = 0;
        assertEquals(UNITS, reader.responses(trial).length);
        assertEquals(FRAMES, reader.responses(trial)[0].length);
        assertEquals(FRAMES, reader.behavior(trial)[1].length);
        assertEquals(FRAMES, reader.pupilCenter(trial)[0].length);
        SensoriumVideoClip video = reader.video(trial);
        assertEquals(FRAMES, video.frames());

        TwinloopExtrasReader extras = new TwinloopExtrasReader(dir);
        TwinloopExtrasReader.FullFrames full = extras.frames(trial);
        assertEquals(144, full.height());
        assertEquals(FRAMES, full.frames().length);
        // The Sensorium video is the 4 x 4 box average of the frames shown.
        double sum = 0;
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                sum += full.frames()[5][(8 + y) * 256 + 12 + x] & 0xff;
            }
        }
        assertEquals(sum / 16, video.at(2, 3, 5), 1e-4);

        long[] clips = reader.clipIds();
        assertEquals(tiers.length, clips.length);
        Map<Long, List<Integer>> trialsByClip = new HashMap<>();
        for (int i = 0; i < clips.length; i++) {
            trialsByClip.computeIfAbsent(clips[i], k -> new ArrayList<>()).add(i);
        }
        int repeatedClips = 0;
        for (List<Integer> repeats : trialsByClip.values()) {
            if (repeats.size() > 1) {
                repeatedClips++;
                assertEquals(PLAN.repeats(), repeats.size());
                int a = repeats.get(0);
                int b = repeats.get(1);
                assertEquals(tiers[a], tiers[b]);
                assertTrue(Arrays.deepEquals(extras.frames(a).frames(), extras.frames(b).frames()), "repeats show the same frames");
                assertFalse(Arrays.deepEquals(reader.responses(a), reader.responses(b)), "but responses vary");
            }
        }
        assertEquals(PLAN.oracleClips() + PLAN.testClips(), repeatedClips);
    }

    @Test
    void savesGroundTruthNoiselessResponsesTelemetryAndTrainingStatistics(@TempDir Path dir) throws Exception {
        record(dir, 7);
        RecordingLayout layout = new RecordingLayout(dir);
        GroundTruth truth = GroundTruth.read(layout.groundTruth());
        assertEquals(UNITS, truth.neurons().size());
        // The mouse's eye reference is the session's mean eye position (the test behaviour starts near 30, 20).
        assertEquals(30, truth.config().pupilReferenceX(), 5);

        TwinloopExtrasReader extras = new TwinloopExtrasReader(dir);
        float[][] noiseless = extras.noiseless(0);
        float[][] recorded = new SensoriumReader(dir).responses(0);
        assertEquals(UNITS, noiseless.length);
        assertNotEquals(noiseless[0][FRAMES - 1], recorded[0][FRAMES - 1]);
        TrialBehaviour behaviour = extras.behaviour(0);
        assertTrue(behaviour.treadmill().length > behaviour.eye().length, "treadmill samples faster than the eye");

        assertEquals(UNITS, Npy.read(layout.statistic("responses", "mean")).size());
        assertEquals(2, Npy.read(layout.statistic("behavior", "std")).size());
        assertTrue(Files.exists(layout.session()));
        assertEquals(PLAN.trials(), extras.domains().length);
    }

    @Test
    void theSameSeedRecordsTheSameSessionAnotherSeedAnother(@TempDir Path dir) throws Exception {
        record(dir.resolve("a"), 3);
        record(dir.resolve("b"), 3);
        record(dir.resolve("c"), 4);
        float[][] a = new SensoriumReader(dir.resolve("a")).responses(1);
        float[][] b = new SensoriumReader(dir.resolve("b")).responses(1);
        float[][] c = new SensoriumReader(dir.resolve("c")).responses(1);
        for (int u = 0; u < UNITS; u++) {
            assertArrayEquals(a[u], b[u]);
        }
        assertFalse(Arrays.deepEquals(a, c));
    }

    @Test
    void imagingSlowerThanTheFramesIsResampledToFrames(@TempDir Path dir) throws Exception {
        // 7.5 Hz scans at 30 Hz frames: a scan every 4 frames, straight lines in between.
        new SessionRecorder(TestSources.gratings(), TestSources.walks(),
                MouseConfig.defaults().withNeurons(UNITS).withScanRate(7.5), false).record(dir, 5, PLAN);
        float[][] responses = new SensoriumReader(dir).responses(0);
        for (float[] unit : responses) {
            for (int scan = 0; scan + 4 < FRAMES; scan += 4) {
                for (int k = 1; k < 4; k++) {
                    float line = unit[scan] + (unit[scan + 4] - unit[scan]) * k / 4f;
                    assertEquals(line, unit[scan + k], 1e-4);
                }
            }
        }
    }
}
