package io.twinloop.ops.training;

import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.session.OfflinePredictor;
import io.twinloop.inference.training.NetworkTrainingModel;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.training.data.Clip;
import io.twinloop.inference.training.data.ClipRequest;
import io.twinloop.recordings.npy.NpyArray;
import io.twinloop.ops.validation.Moments;
import io.twinloop.ops.validation.NeuronScorer;
import io.twinloop.ops.validation.NeuronScores;
import io.twinloop.ops.validation.RecordedResponses;
import io.twinloop.ops.validation.RepeatedTrials;
import io.twinloop.simulator.recording.TwinloopExtrasReader;

import io.twinloop.recordings.sensorium.RecordingLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Scores a trained mouse on its held-out repeated trials, per stimulus domain: the network predicts every trial
 * from a fresh state through {@link OfflinePredictor}, the service's own stepping (mean readout positions, all
 * streams averaged), and the predictions are scored per neuron against the recorded responses (CC_abs, CC_max, CC_norm).
 * For a synthetic mouse the noise-free responses are scored the same way: a perfect twin's CC_norm, the
 * reference the model's is read against.
 */
public final class HeldOutEvaluation {

    /** Trials predicted together. */
    private static final int BATCH = 12;

    /**
     * Median scores over the neurons for one domain.
     *
     * @param perfectCcNorm the noise-free response's median CC_norm (NaN for a real mouse)
     */
    public record DomainScores(String domain, int clips, int trials, double ccNorm, double ccAbs, double ccMax,
                               double perfectCcNorm) {
    }

    private final int burnInFrames;

    /** @param burnInFrames leading frames of every trial left out of the scores */
    public HeldOutEvaluation(int burnInFrames) {
        this.burnInFrames = burnInFrames;
    }

    /**
     * @param model the trained mouse (in a cohort: its network on the shared core)
     * @param tier  the repeated tier to score, e.g. {@code final_test_main}
     * @return scores per domain in the order domains first appear, then {@code all}
     */
    public List<DomainScores> score(NetworkTrainingModel model, MouseRecording mouse, String tier,
                                    NDManager manager) throws IOException {
        RecordedResponses recorded = RecordedResponses.load(mouse.root(), Set.of(tier));
        if (recorded.trials().isEmpty() && recorded.withheld() > 0) {
            return List.of(); // a released Sensorium test tier: its responses are withheld (all zero)
        }
        if (recorded.trials().isEmpty()) {
            throw new IllegalArgumentException(mouse.root() + " has no " + tier + " trials to score");
        }
        float[][][] predicted = predict(model, mouse, recorded.trials(), recorded.responses()[0].length, manager);
        // A released Sensorium folder names no stimulus domains: its trials are scored together only.
        String[] domainOf = Files.isRegularFile(new RecordingLayout(mouse.root()).domains())
                ? new TwinloopExtrasReader(mouse.root()).domains() : null;
        Map<String, List<Integer>> byDomain = new LinkedHashMap<>();
        for (int i = 0; domainOf != null && i < recorded.trials().size(); i++) {
            byDomain.computeIfAbsent(domainOf[recorded.trials().get(i)], d -> new ArrayList<>()).add(i);
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < recorded.trials().size(); i++) {
            all.add(i);
        }
        byDomain.put("all", all);
        List<DomainScores> out = new ArrayList<>();
        byDomain.forEach((domain, indices) -> out.add(scoreOf(domain, indices, recorded, predicted)));
        return out;
    }

    private DomainScores scoreOf(String domain, List<Integer> indices, RecordedResponses recorded,
                                 float[][][] predicted) {
        List<Long> clipIds = indices.stream().map(recorded.clipIds()::get).toList();
        float[][][] responses = indices.stream().map(i -> recorded.responses()[i]).toArray(float[][][]::new);
        float[][][] predictions = indices.stream().map(i -> predicted[i]).toArray(float[][][]::new);
        NeuronScorer scorer = new NeuronScorer(burnInFrames);
        NeuronScores model = scorer.score(RepeatedTrials.fromTrials(clipIds, responses, predictions));
        double perfect = Double.NaN;
        if (recorded.noiseless() != null) {
            float[][][] noiseless = indices.stream().map(i -> recorded.noiseless()[i]).toArray(float[][][]::new);
            perfect = Moments.median(scorer.score(RepeatedTrials.fromTrials(clipIds, responses, noiseless)).ccNorm());
        }
        return new DomainScores(domain, (int) clipIds.stream().distinct().count(), indices.size(),
                Moments.median(model.ccNorm()), Moments.median(model.ccAbs()), Moments.median(model.ccMax()), perfect);
    }

    /** @return [trial][frame][unit] the model's predicted responses to the given trials of the recording */
    static float[][][] predict(NetworkTrainingModel model, MouseRecording mouse, List<Integer> trials,
                               NDManager manager) throws IOException {
        return predict(model, mouse, trials, Integer.MAX_VALUE, manager);
    }

    /** @param maxFrames the frames predicted per trial at most (released trials differ in length) */
    static float[][][] predict(NetworkTrainingModel model, MouseRecording mouse, List<Integer> trials, int maxFrames,
                               NDManager manager) throws IOException {
        float[][][] out = new float[trials.size()][][];
        try (NDManager scope = manager.newSubManager(); NoGrad noGrad = new NoGrad()) {
            Network network = Network.load(model.config(), StateDict.of(scope, model.tensors()));
            OfflinePredictor predictor = new OfflinePredictor(network);
            for (int first = 0; first < trials.size(); first += BATCH) {
                List<Clip> clips = new ArrayList<>();
                for (int i = first; i < Math.min(trials.size(), first + BATCH); i++) {
                    String trial = String.valueOf(trials.get(i));
                    int frames = Math.min(maxFrames, mouse.trials().frames(trial));
                    clips.add(mouse.trials().read(new ClipRequest(trial, 0, frames)));
                }
                float[] rates = predictor.predict(stimuli(clips), rows(clips, Clip::perspectives),
                        rows(clips, Clip::modulations)).asFloats();
                int frames = clips.get(0).length();
                int units = network.units();
                for (int n = 0; n < clips.size(); n++) {
                    out[first + n] = new float[frames][units];
                    for (int t = 0; t < frames; t++) {
                        System.arraycopy(rates, (n * frames + t) * units, out[first + n][t], 0, units);
                    }
                }
            }
        }
        return out;
    }

    /** @return [N, T, H, W] uint8 */
    private static NpyArray stimuli(List<Clip> clips) {
        Clip first = clips.get(0);
        int size = first.stimuli().length;
        byte[] all = new byte[clips.size() * size];
        for (int n = 0; n < clips.size(); n++) {
            requireSameShape(first, clips.get(n));
            System.arraycopy(clips.get(n).stimuli(), 0, all, n * size, size);
        }
        return NpyArray.ofBytes(all, clips.size(), first.length(), first.height(), first.width());
    }

    /** @return [N, T, D] of a per-frame field */
    private static NpyArray rows(List<Clip> clips, Function<Clip, float[]> field) {
        int size = field.apply(clips.get(0)).length;
        float[] all = new float[clips.size() * size];
        for (int n = 0; n < clips.size(); n++) {
            System.arraycopy(field.apply(clips.get(n)), 0, all, n * size, size);
        }
        return NpyArray.ofFloats(all, clips.size(), clips.get(0).length(), size / clips.get(0).length());
    }

    private static void requireSameShape(Clip a, Clip b) {
        if (a.length() != b.length() || a.height() != b.height() || a.width() != b.width() || a.channels() != 1) {
            throw new IllegalArgumentException("trials " + a.trial() + " and " + b.trial()
                    + " differ in length or frame size (or are not grayscale); score them separately");
        }
    }
}
