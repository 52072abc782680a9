package io.twinloop.simulator.recording;

import io.twinloop.recordings.sensorium.SensoriumVideoClip;
import io.twinloop.recordings.sensorium.SensoriumReader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads a small mouse that NumPy wrote (see the generator's conventions in the expected values below). */
class SensoriumReaderTest {

    private static final int FRAMES = 5;

    private static SensoriumReader example() throws Exception {
        return new SensoriumReader(Path.of(SensoriumReaderTest.class.getResource("/sensorium-example").toURI()));
    }

    @Test
    void listsTrialsTiersAndUnitsAsNumpyWroteThem() throws Exception {
        SensoriumReader reader = example();
        assertEquals(List.of(0, 1, 2), reader.trials());
        assertArrayEquals(new String[] {"train", "oracle", "live_test_bonus"}, reader.tiers());
        assertEquals(List.of(1), reader.trialsInTier("oracle"));
        assertArrayEquals(new long[] {11, 12, 13}, reader.unitIds());
    }

    @Test
    void readsVideosOfAnyDtypeInTheirHeightWidthTimeLayout() throws Exception {
        SensoriumReader reader = example();
        for (int trial = 0; trial < 3; trial++) {
            SensoriumVideoClip video = reader.video(trial);
            assertEquals(36, video.height());
            assertEquals(64, video.width());
            assertEquals(FRAMES, video.frames());
            for (int[] p : new int[][] {{0, 0, 0}, {35, 63, 4}, {7, 20, 2}, {30, 1, 3}}) {
                float expected = (p[0] + 2 * p[1] + 3 * p[2] + 10 * trial) % 256;
                assertEquals(expected, video.at(p[0], p[1], p[2]), "trial " + trial);
                assertEquals(expected, video.frame(p[2])[p[0] * 64 + p[1]]);
            }
        }
    }

    @Test
    void readsResponsesBehaviourAndPupilCentreAsRowsOverTime() throws Exception {
        SensoriumReader reader = example();
        int trial = 2;
        float[][] responses = reader.responses(trial);
        assertEquals(3, responses.length);
        assertEquals(trial + 0.5f * 1 - 0.25f * 3, responses[1][3], 1e-6);
        float[][] behavior = reader.behavior(trial);
        assertEquals(10 + trial + 0.1f * 4, behavior[0][4], 1e-5);
        assertEquals(-3f * trial, behavior[1][3]);
        float[][] pupil = reader.pupilCenter(trial);
        assertEquals(102f, pupil[0][2]);
        assertEquals(50f - trial, pupil[1][0]);
    }
}
