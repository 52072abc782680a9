package io.twinloop.ops.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.sensorium.SensoriumReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The challenge's scores on the released-layout fixture (inference/recordings/src/test/resources/sensorium2023,
 * written by NumPy), against the same scores computed by NumPy in {@code challenge_scores.py} there: trials at their
 * own lengths (10 to 12 frames, NaN padding cropped), repeats found from identical videos, a constant prediction.
 */
class SensoriumChallengeScoresTest {

    private static final Path FIXTURE = Path.of("..", "..", "inference", "recordings", "src", "test", "resources",
            "sensorium2023").toAbsolutePath().normalize();
    /**
     * Both sides sum the same float32 values in double, in different orders (NumPy pairwise): they agree to about
     * 1e-15; 1e-12 leaves room and still catches any change of formula (eps, ddof, skipping, grouping).
     */
    private static final double TOLERANCE = 1e-12;

    @Test
    void scoresAsTheNumpyScriptComputesThemOnTheReleasedLayoutFixture() throws IOException {
        JsonNode expected = new ObjectMapper().readTree(FIXTURE.resolve("mouse-new-challenge-scores.json").toFile());
        SensoriumReader reader = new SensoriumReader(FIXTURE.resolve("mouse-new"));
        long[] clipIds = reader.clipIds();
        List<float[][]> responses = new ArrayList<>();
        List<float[][]> predictions = new ArrayList<>();
        List<Long> videos = new ArrayList<>();
        for (JsonNode node : expected.get("trials")) {
            int trial = node.asInt();
            responses.add(RecordedResponses.transpose(reader.responses(trial)));
            predictions.add(Npy.read(FIXTURE.resolve("mouse-new-predictions").resolve(trial + ".npy"))
                    .asFloatRows("predictions of trial " + trial));
            videos.add(clipIds[trial]);
        }
        for (String skip : List.of("2", "0")) {
            JsonNode want = expected.get("by_skip").get(skip);
            SensoriumChallengeScores.Result got = SensoriumChallengeScores.score(responses, predictions, videos,
                    Integer.parseInt(skip));
            assertEquals(want.get("frames_scored").asLong(), got.framesScored(), "skip " + skip);
            assertEquals(expected.get("trials").size(), got.trials());
            assertEquals(expected.get("videos").size(), got.videos(), "repeats found from identical videos");
            assertEquals(want.get("single_trial_correlation").asDouble(), got.singleTrialCorrelation(), TOLERANCE);
            assertEquals(want.get("correlation_to_average").asDouble(), got.correlationToAverage(), TOLERANCE);
            assertArrayEquals(doubles(want.get("single_trial_per_neuron")), got.singleTrialPerNeuron(), TOLERANCE);
            assertArrayEquals(doubles(want.get("to_average_per_neuron")), got.toAveragePerNeuron(), TOLERANCE);
        }
    }

    @Test
    void aNanInsideAScoredFrameZeroesThatNeuronAsTheChallengeDoesAndShortTrialsAreLeftOut() {
        float[][] recorded = {{1, 1}, {2, Float.NaN}, {3, 2}, {5, 0}};
        float[][] predicted = {{0, 0}, {2, 1}, {4, 2}, {8, 3}};
        float[][] tooShort = {{9, 9}};
        SensoriumChallengeScores.Result r = SensoriumChallengeScores.score(List.of(recorded, tooShort),
                List.of(predicted, tooShort), List.of("a", "b"), 1);
        assertEquals(1, r.trials(), "a trial no longer than the skip is not scored");
        assertEquals(3, r.framesScored());
        assertEquals(0.0, r.singleTrialPerNeuron()[1], "NaN correlation counts as 0");
        // neuron 0 over frames 1..3: (2, 3, 5) against (2, 4, 8)
        double expected = pearson(new double[] {2, 3, 5}, new double[] {2, 4, 8});
        assertEquals(expected, r.singleTrialPerNeuron()[0], 1e-7, "eps shifts the value by ~1e-8 only");
        assertNull(SensoriumChallengeScores.score(List.<float[][]>of(tooShort),
                List.<float[][]>of(tooShort), List.of("b"), 1),
                "nothing to score");
        assertThrows(IllegalArgumentException.class, () -> SensoriumChallengeScores.score(List.<float[][]>of(recorded),
                List.<float[][]>of(tooShort), List.of("a"), 0), "predictions shorter than the trial");
    }

    private static double pearson(double[] a, double[] b) {
        return Pearson.correlation(a, b);
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
