package io.twinloop.ops.closedloop.tuning;

import io.twinloop.ops.closedloop.ClipResponder;
import io.twinloop.simulator.stimuli.FrameGeometry;
import io.twinloop.simulator.stimuli.TuningStimuli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * In-silico tuning (Wang et al. 2025, Fig. 4 and Methods): shows a twin gray clips, 16 directions of drifting
 * pink noise and 17 x 29 flashing off dots, each condition a clip from the twin's fresh state, in batches, and
 * keeps per unit the window-mean responses ({@link TuningMeasurement}); {@link #analyse} turns them into
 * {@link UnitTuning}. The twin is only a {@link ClipResponder}: the same code measures a twin's predictions and a
 * mouse's recorded responses.
 */
public final class TuningProtocol {

    private final TuningStimuli stimuli;
    private final TuningSettings settings;

    public TuningProtocol(TuningStimuli stimuli, TuningSettings settings) {
        this.stimuli = stimuli;
        this.settings = settings;
    }

    public TuningSettings settings() {
        return settings;
    }

    /** Shows every condition to the twin. */
    public TuningMeasurement measure(ClipResponder twin) {
        TuningSettings s = settings;
        int noiseFrom = s.lead() + s.noiseSkip();
        int noiseTo = s.lead() + s.noiseFrames();
        int dotFrom = s.lead() + s.dotSkip();
        int dotTo = s.lead() + s.dotFrames() + s.dotTail();

        float[][] grayClip = new float[s.grayFrames()][];
        Arrays.fill(grayClip, stimuli.gray());
        // as many gray clips as textures per direction: for recorded responses the baseline is as noisy as a curve
        // point otherwise (a noise-free twin gives the same response to each)
        float[][][] grayResponses = twin.respond(java.util.Collections.nCopies(s.noiseRepeats(), grayClip));
        int units = grayResponses[0][0].length;
        double[] grayNoise = new double[units];
        double[] grayDot = new double[units];
        for (float[][] grayResponse : grayResponses) {
            double[] noiseWindow = windowMean(grayResponse, noiseFrom, noiseTo);
            double[] dotWindow = windowMean(grayResponse, dotFrom, dotTo);
            for (int u = 0; u < units; u++) {
                grayNoise[u] += noiseWindow[u] / grayResponses.length;
                grayDot[u] += dotWindow[u] / grayResponses.length;
            }
        }

        double[][] curves = new double[units][TuningStimuli.DIRECTIONS];
        List<int[]> noiseConditions = new ArrayList<>();
        for (int r = 0; r < s.noiseRepeats(); r++) {
            for (int d = 0; d < TuningStimuli.DIRECTIONS; d++) {
                noiseConditions.add(new int[] {d, r});
            }
        }
        for (int from = 0; from < noiseConditions.size(); from += s.batch()) {
            List<int[]> batch = noiseConditions.subList(from, Math.min(from + s.batch(), noiseConditions.size()));
            List<float[][]> clips = new ArrayList<>(batch.size());
            for (int[] c : batch) {
                clips.add(withLead(stimuli.directionalNoise(c[0], c[1], s.noiseFrames()), 0));
            }
            float[][][] responses = twin.respond(clips);
            for (int k = 0; k < batch.size(); k++) {
                double[] mean = windowMean(responses[k], noiseFrom, noiseTo);
                for (int u = 0; u < units; u++) {
                    curves[u][batch.get(k)[0]] += (mean[u] - grayNoise[u]) / s.noiseRepeats();
                }
            }
        }

        int positions = TuningStimuli.DOT_ROWS * TuningStimuli.DOT_COLUMNS;
        int presentations = positions * s.dotRepeats();
        int[] position = new int[presentations];
        double[][] dotEvoked = new double[units][presentations];
        for (int from = 0; from < presentations; from += s.batch()) {
            int to = Math.min(from + s.batch(), presentations);
            List<float[][]> clips = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                position[k] = k % positions;
                float[] dot = stimuli.offDot(position[k] / TuningStimuli.DOT_COLUMNS,
                        position[k] % TuningStimuli.DOT_COLUMNS);
                float[][] frames = new float[s.dotFrames()][];
                Arrays.fill(frames, dot);
                clips.add(withLead(frames, s.dotTail()));
            }
            float[][][] responses = twin.respond(clips);
            for (int k = from; k < to; k++) {
                double[] mean = windowMean(responses[k - from], dotFrom, dotTo);
                for (int u = 0; u < units; u++) {
                    dotEvoked[u][k] = mean[u] - grayDot[u];
                }
            }
        }
        return new TuningMeasurement(curves, dotEvoked, position, grayNoise);
    }

    /** The stimulus behind {@code lead} gray frames and followed by {@code tail} gray frames. */
    private float[][] withLead(float[][] stimulus, int tail) {
        float[] gray = stimuli.gray();
        float[][] clip = new float[settings.lead() + stimulus.length + tail][];
        Arrays.fill(clip, gray);
        System.arraycopy(stimulus, 0, clip, settings.lead(), stimulus.length);
        return clip;
    }

    private static double[] windowMean(float[][] response, int from, int to) {
        int units = response[0].length;
        double[] mean = new double[units];
        for (int t = from; t < to; t++) {
            for (int u = 0; u < units; u++) {
                mean[u] += response[t][u];
            }
        }
        for (int u = 0; u < units; u++) {
            mean[u] /= to - from;
        }
        return mean;
    }

    /** The dot grid's centres in fractions of the monitor width: {x per column, y per row}. */
    public double[][] dotGrid() {
        FrameGeometry g = stimuli.geometry();
        double[] x = new double[TuningStimuli.DOT_COLUMNS];
        double[] y = new double[TuningStimuli.DOT_ROWS];
        for (int j = 0; j < x.length; j++) {
            x[j] = stimuli.dotX(j) / g.width();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = stimuli.dotY(i) / g.width();
        }
        return new double[][] {x, y};
    }

    /** Per unit: selectivity, von Mises fit, STA, shuffle test and Gaussian fit. */
    public List<UnitTuning> analyse(TuningMeasurement m, long seed) {
        double[][] grid = dotGrid();
        SpatialTuning spatial = new SpatialTuning(grid[0], grid[1]);
        List<UnitTuning> out = new ArrayList<>(m.units());
        for (int u = 0; u < m.units(); u++) {
            double[] indices = DirectionTuning.selectivity(m.directionCurves()[u]);
            DirectionTuning.Fit fit = DirectionTuning.fit(m.directionCurves()[u]);
            SpatialTuning.Result where = spatial.analyse(m.dotEvoked()[u], m.dotPosition(), settings.permutations(),
                    seed + u);
            out.add(new UnitTuning(indices[0], indices[1], fit.preferredDirectionDeg(), fit.preferredOrientationDeg(),
                    where.ssi(), where.z(), where.tuned(), where.centreX(), where.centreY()));
        }
        return out;
    }
}
