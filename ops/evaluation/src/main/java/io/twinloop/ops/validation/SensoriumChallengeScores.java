package io.twinloop.ops.validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The Sensorium 2023 leaderboard's two scores, computed as the challenge's scoring program computes them
 * (ecker-lab/sensorium_2023; its {@code corr} is neuralpredictors' {@code measures.np_functions.corr}):
 * <ul>
 *   <li>every trial is scored over its own frames, up to its NaN padding, after the first {@code skipFrames}
 *       ({@value #SKIP_FRAMES} in the challenge, which asks for predictions of frames 50 to the end of each trial);</li>
 *   <li>{@code single_trial_correlation}: per neuron, the correlation over the frames of all trials concatenated,
 *       {@code mean(((y1 - mean y1) / (std y1 + eps)) * ((y2 - mean y2) / (std y2 + eps)))} with population standard
 *       deviations (ddof 0) and {@code eps = 1e-8}; a NaN correlation counts as 0; then the mean over neurons;</li>
 *   <li>{@code correlation_to_average}: the trials of one video averaged frame by frame, responses and predictions
 *       alike, the averages of all videos concatenated, then the same correlation and mean (the challenge's test
 *       videos were all shown 10 times; a video shown once here enters as its one trial).</li>
 * </ul>
 * Unlike {@link Pearson} nothing is skipped: a NaN inside a scored frame makes that neuron's correlation NaN, hence
 * 0, as in the challenge. The leaderboard then averaged the per-mouse figures over mice and added 1e-5 to the
 * single-trial one; a recording here is one mouse, and the offset is left out. Repeats of one video that differ in
 * length (the challenge's never do) are averaged over the frames they all have.
 */
public final class SensoriumChallengeScores {

    /** Frames at the start of every trial the challenge leaves out. */
    public static final int SKIP_FRAMES = 50;
    /** Added to each standard deviation, as neuralpredictors' {@code corr} does. */
    static final double EPS = 1e-8;

    /**
     * @param skipFrames            frames left out at the start of every trial
     * @param trials                trials scored (with at least one frame after the skip)
     * @param videos                distinct videos among them (groups averaged for the correlation to average)
     * @param framesScored          frames of all scored trials after the skip
     * @param singleTrialCorrelation mean over neurons of {@code singleTrialPerNeuron}
     * @param correlationToAverage  mean over neurons of {@code toAveragePerNeuron}
     * @param singleTrialPerNeuron  per neuron, NaN set to 0
     * @param toAveragePerNeuron    per neuron, NaN set to 0
     */
    public record Result(int skipFrames, int trials, int videos, long framesScored, double singleTrialCorrelation,
                         double correlationToAverage, double[] singleTrialPerNeuron, double[] toAveragePerNeuron) {
    }

    private SensoriumChallengeScores() {
    }

    /**
     * @param responses   per trial, [frame][unit] recorded, each trial as long as it lasted (padding cropped)
     * @param predictions per trial, [frame][unit] predicted, at least as long as the trial's responses (frames beyond
     *                    are not scored)
     * @param videoIds    per trial, the video it showed: equal ids are repeats
     * @param skipFrames  frames left out at the start of every trial ({@link #SKIP_FRAMES} in the challenge)
     * @return the scores, or null when no trial lasts longer than {@code skipFrames}
     */
    public static Result score(List<float[][]> responses, List<float[][]> predictions, List<?> videoIds,
                               int skipFrames) {
        if (responses.size() != predictions.size() || responses.size() != videoIds.size()) {
            throw new IllegalArgumentException("responses, predictions and video ids must list the same trials: "
                    + responses.size() + ", " + predictions.size() + ", " + videoIds.size());
        }
        if (skipFrames < 0) {
            throw new IllegalArgumentException("frames to skip must be >= 0, got " + skipFrames);
        }
        List<Integer> scored = new ArrayList<>();
        int units = -1;
        long frames = 0;
        for (int i = 0; i < responses.size(); i++) {
            float[][] recorded = responses.get(i);
            float[][] predicted = predictions.get(i);
            if (predicted.length < recorded.length) {
                throw new IllegalArgumentException("trial " + i + ": " + predicted.length + " predicted frames for "
                        + recorded.length + " recorded");
            }
            if (recorded.length <= skipFrames) {
                continue;
            }
            if (units < 0) {
                units = recorded[0].length;
            }
            if (recorded[0].length != units || predicted[0].length != units) {
                throw new IllegalArgumentException("trial " + i + ": " + recorded[0].length + " recorded and "
                        + predicted[0].length + " predicted units, expected " + units);
            }
            scored.add(i);
            frames += recorded.length - skipFrames;
        }
        if (scored.isEmpty()) {
            return null;
        }
        int n = units;
        double[] singleTrial = correlation(n, row -> {
            for (int i : scored) {
                float[][] recorded = responses.get(i);
                float[][] predicted = predictions.get(i);
                for (int t = skipFrames; t < recorded.length; t++) {
                    row.accept(toDouble(recorded[t]), toDouble(predicted[t]));
                }
            }
        });

        Map<Object, List<Integer>> repeats = new LinkedHashMap<>();
        for (int i : scored) {
            repeats.computeIfAbsent(Objects.requireNonNull(videoIds.get(i)), k -> new ArrayList<>()).add(i);
        }
        List<double[][]> averagedResponses = new ArrayList<>();
        List<double[][]> averagedPredictions = new ArrayList<>();
        for (List<Integer> trials : repeats.values()) {
            int length = Integer.MAX_VALUE;
            for (int i : trials) {
                length = Math.min(length, responses.get(i).length);
            }
            averagedResponses.add(repeatMean(responses, trials, skipFrames, length, n));
            averagedPredictions.add(repeatMean(predictions, trials, skipFrames, length, n));
        }
        double[] toAverage = correlation(n, row -> {
            for (int v = 0; v < averagedResponses.size(); v++) {
                for (int t = 0; t < averagedResponses.get(v).length; t++) {
                    row.accept(averagedResponses.get(v)[t], averagedPredictions.get(v)[t]);
                }
            }
        });
        return new Result(skipFrames, scored.size(), repeats.size(), frames, Moments.mean(singleTrial),
                Moments.mean(toAverage), singleTrial, toAverage);
    }

    /** @return [frame - skip][unit]: the mean over the trials of {@code data}, frames skip..length-1 */
    private static double[][] repeatMean(List<float[][]> data, List<Integer> trials, int skipFrames, int length,
                                         int units) {
        double[][] mean = new double[length - skipFrames][units];
        for (int i : trials) {
            float[][] trial = data.get(i);
            for (int t = skipFrames; t < length; t++) {
                for (int u = 0; u < units; u++) {
                    mean[t - skipFrames][u] += trial[t][u];
                }
            }
        }
        for (double[] frame : mean) {
            for (int u = 0; u < units; u++) {
                frame[u] /= trials.size();
            }
        }
        return mean;
    }

    /**
     * neuralpredictors' {@code corr} along the sample axis, per unit, over the rows {@code rows} gives (twice: means
     * first, then deviations), with NaN results set to 0.
     *
     * @param rows calls its argument with (target [unit], prediction [unit]) for every sample, in the same order
     */
    private static double[] correlation(int units, Consumer<BiConsumer<double[], double[]>> rows) {
        double[] sumTarget = new double[units];
        double[] sumPrediction = new double[units];
        long[] count = new long[1];
        rows.accept((target, prediction) -> {
            for (int u = 0; u < units; u++) {
                sumTarget[u] += target[u];
                sumPrediction[u] += prediction[u];
            }
            count[0]++;
        });
        double[] meanTarget = new double[units];
        double[] meanPrediction = new double[units];
        for (int u = 0; u < units; u++) {
            meanTarget[u] = sumTarget[u] / count[0];
            meanPrediction[u] = sumPrediction[u] / count[0];
        }
        double[] squaresTarget = new double[units];
        double[] squaresPrediction = new double[units];
        double[] products = new double[units];
        rows.accept((target, prediction) -> {
            for (int u = 0; u < units; u++) {
                double dt = target[u] - meanTarget[u];
                double dp = prediction[u] - meanPrediction[u];
                squaresTarget[u] += dt * dt;
                squaresPrediction[u] += dp * dp;
                products[u] += dt * dp;
            }
        });
        double[] out = new double[units];
        for (int u = 0; u < units; u++) {
            double stdTarget = Math.sqrt(squaresTarget[u] / count[0]);
            double stdPrediction = Math.sqrt(squaresPrediction[u] / count[0]);
            double r = products[u] / count[0] / ((stdTarget + EPS) * (stdPrediction + EPS));
            out[u] = Double.isNaN(r) ? 0 : r;
        }
        return out;
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
