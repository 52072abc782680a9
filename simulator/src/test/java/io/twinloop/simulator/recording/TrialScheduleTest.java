package io.twinloop.simulator.recording;

import io.twinloop.recordings.sensorium.RecordingLayout;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialScheduleTest {

    @Test
    void testDomainsGiveEveryDomainAsManyTestClipsAndLeaveTrainingToTheWeights() {
        RecordingPlan plan = new RecordingPlan(7, 2, 6, 3, 30, Map.of("natural-movies", 1.0),
                List.of("natural-movies", "drifting-gabor", "directional-pink-noise"));
        List<TrialSchedule.Trial> trials = TrialSchedule.of(plan, 4);

        assertEquals(plan.trials(), trials.size());
        Map<String, Long> testTrials = trials.stream().filter(t -> t.tier().equals(RecordingLayout.TEST))
                .collect(Collectors.groupingBy(TrialSchedule.Trial::domain, Collectors.counting()));
        assertEquals(Map.of("natural-movies", 6L, "drifting-gabor", 6L, "directional-pink-noise", 6L), testTrials,
                "2 clips of each domain, 3 repeats each");
        assertTrue(trials.stream().filter(t -> !t.tier().equals(RecordingLayout.TEST))
                .allMatch(t -> t.domain().equals("natural-movies")), "training and validation follow the weights");
    }
}
