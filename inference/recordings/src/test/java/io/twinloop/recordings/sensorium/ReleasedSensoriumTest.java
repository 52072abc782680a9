package io.twinloop.recordings.sensorium;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reader on mouse folders as the Sensorium 2023 challenge released them, written by NumPy
 * (src/test/resources/sensorium2023/make_fixture.py; its README names the sources).
 */
class ReleasedSensoriumTest {

    static Path mouse(String name) throws Exception {
        return Path.of(ReleasedSensoriumTest.class.getResource("/sensorium2023/" + name).toURI());
    }

    @Test
    void cropsTheNaNPaddingOfEachTrial() throws Exception {
        SensoriumReader reader = new SensoriumReader(mouse("mouse-new"));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), reader.trials());
        assertEquals(12, reader.frames(0));
        assertEquals(11, reader.frames(1));
        assertEquals(10, reader.frames(2));
        SensoriumVideoClip video = reader.video(2);
        assertEquals(36, video.height());
        assertEquals(64, video.width());
        assertEquals(10, video.frames());
        for (float v : video.values()) {
            assertTrue(v >= 0 && v <= 255, "a cropped video holds pixels, not NaN: " + v);
        }
        float[][] responses = reader.responses(2);
        assertEquals(6, responses.length);
        assertEquals(10, responses[0].length);
        for (float[] unit : responses) {
            for (float v : unit) {
                assertFalse(Float.isNaN(v));
            }
        }
        assertEquals(10, reader.timeMajor("pupil_center", 2, 0, 10).length / 2);
    }

    @Test
    void findsRepeatsFromIdenticalVideos() throws Exception {
        long[] clips = new SensoriumReader(mouse("mouse-new")).clipIds();
        // make_fixture.py: trials 3 and 5 show one clip, 4 and 6 another, 7 and 8 a third; 0, 1, 2 are unique
        assertEquals(clips[3], clips[5]);
        assertEquals(clips[4], clips[6]);
        assertEquals(clips[7], clips[8]);
        assertEquals(9, clips.length);
        assertEquals(6, java.util.Arrays.stream(clips).distinct().count());
        assertNotEquals(clips[3], clips[4]);
    }

    @Test
    void readsTiersWithNoneAndFloat32Arrays() throws Exception {
        SensoriumReader reader = new SensoriumReader(mouse("mouse-old"));
        assertArrayEquals(new String[] {"train", "train", "none", "oracle", "oracle"}, reader.tiers());
        assertEquals(List.of(3, 4), reader.trialsInTier("oracle"));
        assertEquals(5, reader.unitIds().length);
        assertEquals(11, reader.frames(1));
        assertEquals(11, reader.behavior(1)[0].length);
    }

    @Test
    void givesStatisticsPerChannelWhetherStoredPerChannelOrPerFrame() throws Exception {
        SensoriumReader perChannel = new SensoriumReader(mouse("mouse-old"));
        assertEquals(2, perChannel.statistic("pupil_center", "mean", 2).length);
        assertEquals(1, perChannel.statistic("videos", "mean", 1).length);

        SensoriumReader perFrame = new SensoriumReader(mouse("mouse-new"));
        double[] mean = perFrame.statistic("pupil_center", "mean", 2);
        double[] std = perFrame.statistic("pupil_center", "std", 2);
        // the fixture's pupil centre drifts around (320, 240) camera pixels
        assertEquals(320, mean[0], 30);
        assertEquals(240, mean[1], 30);
        assertTrue(std[0] > 0 && std[1] > 0, java.util.Arrays.toString(std));
        double[] video = perFrame.statistic("videos", "mean", 1);
        assertEquals(128, video[0], 30);
        assertEquals(6, perFrame.statistic("responses", "std", 6).length);
        assertEquals(null, perFrame.statistic("behavior", "mean-absent", 2));
    }

    @Test
    void poolsPerFrameStatisticsAsNumPyDoes() throws Exception {
        SensoriumReader reader = new SensoriumReader(mouse("mouse-new"));
        com.fasterxml.jackson.databind.JsonNode expected = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(mouse("mouse-new-pooled-statistics.json").toFile());
        for (String field : List.of("pupil_center", "behavior", "responses")) {
            for (String statistic : List.of("mean", "std")) {
                com.fasterxml.jackson.databind.JsonNode values = expected.get(field).get(statistic);
                double[] pooled = reader.statistic(field, statistic, values.size());
                for (int c = 0; c < values.size(); c++) {
                    // float64 on both sides; only the order of summation differs
                    assertEquals(values.get(c).asDouble(), pooled[c], 1e-9 * Math.max(1, Math.abs(pooled[c])),
                            field + " " + statistic + " " + c);
                }
            }
        }
    }
}
