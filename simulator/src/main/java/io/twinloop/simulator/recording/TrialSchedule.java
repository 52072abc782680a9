package io.twinloop.simulator.recording;

import io.twinloop.recordings.sensorium.RecordingLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The order of trials in a session: every training clip once, every validation and test clip
 * {@code repeats} times, shuffled together as a rig interleaves them; each clip drawn from one stimulus domain.
 */
public final class TrialSchedule {

    /** One presentation: which tier, which clip, from which domain. */
    public record Trial(String tier, long clipId, String domain) {
    }

    private TrialSchedule() {
    }

    public static List<Trial> of(RecordingPlan plan, long seed) {
        Random random = new Random(seed);
        // Sorted so that the draw does not depend on the map's iteration order.
        TreeMap<String, Double> weights = new TreeMap<>(plan.domainWeights());
        List<Trial> trials = new ArrayList<>(plan.trials());
        long clip = 0;
        for (int i = 0; i < plan.trainClips(); i++) {
            trials.add(new Trial(RecordingLayout.TRAIN, clip++, draw(weights, random)));
        }
        clip = addRepeated(trials, RecordingLayout.ORACLE, plan.oracleClips(), plan.repeats(), clip, weights, random);
        if (plan.testDomains().isEmpty()) {
            addRepeated(trials, RecordingLayout.TEST, plan.testClips(), plan.repeats(), clip, weights, random);
        } else {
            for (int i = 0; i < plan.testClips(); i++, clip++) {
                for (int r = 0; r < plan.repeats(); r++) {
                    trials.add(new Trial(RecordingLayout.TEST, clip, plan.testDomains().get(i % plan.testDomains().size())));
                }
            }
        }
        Collections.shuffle(trials, random);
        return trials;
    }

    private static long addRepeated(List<Trial> trials, String tier, int clips, int repeats, long firstClip,
                                    TreeMap<String, Double> weights, Random random) {
        long clip = firstClip;
        for (int i = 0; i < clips; i++, clip++) {
            String domain = draw(weights, random);
            for (int r = 0; r < repeats; r++) {
                trials.add(new Trial(tier, clip, domain));
            }
        }
        return clip;
    }

    private static String draw(TreeMap<String, Double> weights, Random random) {
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        double x = random.nextDouble() * total;
        String last = weights.lastKey();
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            x -= e.getValue();
            if (x < 0) {
                return e.getKey();
            }
        }
        return last;
    }
}
