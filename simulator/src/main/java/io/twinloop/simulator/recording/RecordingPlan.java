package io.twinloop.simulator.recording;

import java.util.List;
import java.util.Map;

/**
 * What a recording session shows: distinct clips per tier, how often each validation and test clip repeats,
 * the length of a trial, and the mix of stimulus domains (relative weights; natural movies should dominate,
 * as in the paper's training data).
 *
 * @param trainClips     clips shown once each (tier {@code train})
 * @param oracleClips    validation clips, each shown {@code repeats} times (tier {@code oracle})
 * @param testClips      test clips, each shown {@code repeats} times (tier {@code final_test_main})
 * @param repeats        presentations of every validation and test clip
 * @param framesPerTrial frames per trial
 * @param domainWeights  stimulus domain name -> relative frequency of the training and validation clips, and of
 *                       the test clips unless {@code testDomains} is given
 * @param testDomains    the test clips' domains, taken in turn (clip i shows {@code testDomains[i % n]}), so that
 *                       every domain gets as many test clips; empty: test clips are drawn by {@code domainWeights}
 *                       like the others. Experiments train on one domain and test on several this way.
 */
public record RecordingPlan(int trainClips, int oracleClips, int testClips, int repeats, int framesPerTrial,
                          Map<String, Double> domainWeights, List<String> testDomains) {

    /** A plan whose test clips are drawn by {@code domainWeights} like the others. */
    public RecordingPlan(int trainClips, int oracleClips, int testClips, int repeats, int framesPerTrial,
                         Map<String, Double> domainWeights) {
        this(trainClips, oracleClips, testClips, repeats, framesPerTrial, domainWeights, List.of());
    }

    public RecordingPlan {
        if (trainClips < 0 || oracleClips < 0 || testClips < 0 || repeats < 1 || framesPerTrial < 1) {
            throw new IllegalArgumentException("clip counts >= 0, repeats and frames per trial >= 1");
        }
        if (domainWeights.isEmpty() || domainWeights.values().stream().anyMatch(w -> !(w >= 0))
                || domainWeights.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new IllegalArgumentException("need at least one domain with a positive weight");
        }
        domainWeights = Map.copyOf(domainWeights);
        testDomains = List.copyOf(testDomains);
    }

    public int trials() {
        return trainClips + (oracleClips + testClips) * repeats;
    }

    /** A plan of about {@code minutes} minutes of 10 s trials: 70 % training, the rest validation and test. */
    public static RecordingPlan ofMinutes(double minutes, double frameRateHz, int repeats,
                                        Map<String, Double> domainWeights) {
        int framesPerTrial = (int) Math.round(10 * frameRateHz);
        int trials = Math.max(1, (int) Math.round(minutes * 6));
        int repeatedTrials = (int) Math.round(trials * 0.3);
        int repeatedClips = Math.max(2, repeatedTrials / repeats);
        int oracle = repeatedClips / 2;
        int test = repeatedClips - oracle;
        int train = Math.max(1, trials - repeatedClips * repeats);
        return new RecordingPlan(train, oracle, test, repeats, framesPerTrial, domainWeights);
    }
}
