package io.twinloop.ops.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.recordings.sensorium.SensoriumReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Sensorium 2023 challenge's scores ({@link SensoriumChallengeScores}) in a replay's report: {@value #FILE} and a
 * section of {@code report.md}, beside the report's own scores (which crop every trial to the length all trials have
 * and leave out a burn-in instead).
 */
public final class ChallengeReport {

    public static final String FILE = "challenge-scores.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ChallengeReport() {
    }

    /**
     * Scores the trials at their own lengths and writes the report's part.
     *
     * @param reader      the recording
     * @param trials      trial numbers scored, in the order of {@code predictions}
     * @param videoIds    per listed trial, the video it showed (equal: repeats)
     * @param predictions per listed trial, [frame][unit], at least as long as the trial
     * @param skipFrames  frames left out at the start of every trial (the challenge's: 50)
     * @return what was written, also for the command's JSON line
     */
    public static ObjectNode write(Path reportDir, SensoriumReader reader, List<Integer> trials, List<?> videoIds,
                                   float[][][] predictions, int skipFrames) throws IOException {
        List<float[][]> responses = new ArrayList<>();
        for (int trial : trials) {
            responses.add(RecordedResponses.transpose(reader.responses(trial)));
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("skip_frames", skipFrames);
        SensoriumChallengeScores.Result result = null;
        try {
            result = SensoriumChallengeScores.score(responses, List.of(predictions), videoIds, skipFrames);
            if (result == null) {
                out.put("error", "no scored trial lasts longer than " + skipFrames
                        + " frames (--challenge-skip-frames)");
            }
        } catch (IllegalArgumentException e) {
            out.put("error", e.getMessage());  // e.g. a recording whose frames end before its responses
        }
        if (result != null) {
            out.put("single_trial_correlation", result.singleTrialCorrelation());
            out.put("correlation_to_average", result.correlationToAverage());
            out.put("trials", result.trials());
            out.put("videos", result.videos());
            out.put("frames_scored", result.framesScored());
        }
        Files.createDirectories(reportDir);
        JSON.writeValue(reportDir.resolve(FILE).toFile(), out);
        Path markdown = reportDir.resolve(ValidationReport.MARKDOWN);
        if (Files.exists(markdown)) {
            Files.writeString(markdown, section(out, result), StandardOpenOption.APPEND);
        }
        return out;
    }

    private static String section(ObjectNode out, SensoriumChallengeScores.Result result) {
        StringBuilder md = new StringBuilder("\n## Sensorium 2023 challenge scores\n\n");
        md.append("As the challenge's scoring computes them: every trial at its own length after its first ")
                .append(out.get("skip_frames").asInt()).append(" frames; per neuron the correlation (population std")
                .append(" + 1e-8) over all trials' frames, or over the averages of repeats of one video; NaN as 0;")
                .append(" the mean over neurons (`").append(FILE).append("`).\n\n");
        if (result == null) {
            return md.append(out.get("error").asText()).append("\n").toString();
        }
        return md.append("| score | value |\n|---|---|\n")
                .append(String.format(Locale.ROOT, "| single-trial correlation | %.4f |%n",
                        result.singleTrialCorrelation()))
                .append(String.format(Locale.ROOT, "| correlation to average | %.4f |%n",
                        result.correlationToAverage()))
                .append(String.format(Locale.ROOT, "| trials / videos / frames scored | %d / %d / %d |%n",
                        result.trials(), result.videos(), result.framesScored()))
                .toString();
    }
}
