package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.model.network.Network;
import io.twinloop.inference.model.network.NetworkConfig;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.StateDict;
import io.twinloop.inference.model.perspective.Periphery;
import io.twinloop.inference.training.data.ClipBatch;
import io.twinloop.inference.training.data.ClipRequest;
import io.twinloop.inference.training.data.ClipSampler;
import io.twinloop.inference.training.data.FrameInputs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Starts every unit's readout from its training responses, where fnn starts it at zero.
 *
 * <p>Why: fnn puts every position at the centre of the core's map and every feature weight at zero. A
 * position then gets no gradient until the unit's feature weights grow, and they grow only as far as the
 * features at the centre correlate with a unit whose receptive field lies elsewhere. Hundreds of thousands of
 * clips on a GPU get past this; the few thousand a CPU trains in an hour do not (docs/training.md).
 *
 * <p>The start, from the core's map over the training frames after the burn-in, {@code F} [T, S, C, H, W], and
 * the responses {@code Y} [T, U]:
 * <ol>
 *   <li>each unit's position is the centre of the map cell whose channels explain most of its response: the
 *       variance explained (R^2) by a ridge regression of the standardised response on the cell's standardised
 *       channels, summed over streams;</li>
 *   <li>its feature weights in each stream are that regression's coefficients, scaled by one least-squares
 *       factor so that the linearised Poisson readout {@code exp(b + w·f) ≈ m (1 + w·(f - f̄))} fits the
 *       response; the log rate's modulation is capped at a standard deviation of {@value #MAX_MODULATION};</li>
 *   <li>its bias puts the rate's mean at the unit's mean response {@code m};</li>
 *   <li>its position's spread starts at half a cell of the map (fnn: 0.4, more than a cell of a small map);</li>
 *   <li>what the search over cells finds in noise is shrunk away: the same search on the responses shifted
 *       against the frames ({@value #CHANCE_SHIFTS} shifts, keeping the responses' own autocorrelation) gives a
 *       chance R^2, and the modulation is scaled by {@code 1 - chance / R^2}. A unit at or below chance keeps
 *       fnn's start (the map's centre, zero weights), so the start is not a fit to noise when the core's map
 *       says nothing about a unit, as on a fresh core or with a few trials.</li>
 * </ol>
 * Only the readout changes; the core, perspective and modulation are read as they are (a frozen foundation
 * core, or a fresh one). The regression is solved per stream and cell (C x C), so the start is meant for maps of
 * up to a few thousand channel-cells per stream, the sizes trained on a CPU.
 */
public final class ReadoutStart {

    /** cap on the standard deviation of a unit's starting log-rate modulation */
    static final double MAX_MODULATION = 1.0;
    /** floor of a unit's mean response wherever its log starts a readout bias (calcium traces can average <= 0) */
    public static final double MIN_MEAN_RATE = 1e-3;
    /** floats of correlations held at once: units are processed in chunks below this */
    private static final long CHUNK_FLOATS = 20_000_000L;
    /** floats of feature map kept over the frames: frames beyond this are not read */
    private static final long FEATURE_FLOATS = 30_000_000L;
    private static final float EPS = 1e-6f;
    /** floor of a channel's standard deviation, as a fraction of the mean over channels and cells */
    private static final float STD_FLOOR = 0.1f;
    /** added to the diagonal of the channels' correlation matrix (1 on the diagonal) before it is inverted */
    private static final double RIDGE = 0.05;
    /** shifts of the responses against the frames whose best R^2 measures what the search finds by chance */
    private static final int CHANCE_SHIFTS = 4;
    /** fnn's starting spread of a readout position ({@code positions.Gaussian}) */
    private static final float FNN_SPREAD = 0.4f;

    /**
     * @param frames             training frames the start was computed from
     * @param medianCorrelation  median over units of the multiple correlation (root of R^2) at the unit's cell
     * @param medianModulation   median over units of the starting log rate's standard deviation
     * @param medianAboveChance  median over units of the share of the best cell's R^2 above chance, the factor the
     *                           modulation was scaled by (0: the unit kept fnn's start)
     */
    public record Summary(int frames, double medianCorrelation, double medianModulation, double medianAboveChance) {
    }

    private ReadoutStart() {
    }

    /**
     * Sets {@code readout.position.mu}, {@code .sigma}, {@code readout.feature.weights.<s>} and
     * {@code readout.biases.<s>} in {@code tensors} in place.
     *
     * @param tensors   a network's state dict (one mouse)
     * @param sampler   the mouse's trials, in clips of the training length
     * @param maxTrials training trials to read (the first ones)
     */
    public static Summary apply(NetworkConfig config, Map<String, NDArray> tensors, ClipSampler sampler,
                                int maxTrials, int burninFrames) throws IOException {
        NDManager owner = tensors.get(Network.POSITION_MEAN_KEY).getManager();
        try (NoGrad noGrad = new NoGrad(); NDManager scratch = owner.newSubManager()) {
            Observations seen = observe(config, tensors, sampler, maxTrials, burninFrames, scratch);
            return fit(tensors, seen);
        }
    }

    /**
     * @param features  [T, S*C*H*W] the core's map per frame
     * @param responses [T, U]
     */
    private record Observations(NDArray features, NDArray responses, int framesPerClip, int streams, long channels,
                                long height, long width) {
        long cells() {
            return height * width;
        }
    }

    private static Observations observe(NetworkConfig config, Map<String, NDArray> tensors, ClipSampler sampler,
                                        int maxTrials, int burninFrames, NDManager scratch) throws IOException {
        ClipObjective.requireFramesAfterBurnin(sampler.clipLength(), burninFrames);
        int streams = config.streams();
        NDList features = new NDList();
        NDList responses = new NDList();
        long[] map = null;
        long floats = 0;
        for (List<ClipRequest> requests : sampler.windows(maxTrials)) {
            ClipBatch batch = sampler.load(requests);
            try (NDManager frames = scratch.newSubManager()) {
                // built per batch, as training builds it per sequence: what the network derives from its
                // parameters is released with the batch
                Network network = Network.load(config, StateDict.of(frames, tensors));
                NetworkState state = NetworkState.fresh();
                NDList clipFeatures = new NDList();
                NDList clipResponses = new NDList();
                for (int t = 0; t < batch.length(); t++) {
                    FrameInputs in = batch.inputs(t, frames);
                    NDArray f = network.coreFeatures(in.stimulus(), in.perspective(), in.modulation(), null,
                            Periphery.DARK, state); // [N, S*C, H, W]
                    if (t < burninFrames) {
                        continue;
                    }
                    map = f.getShape().getShape();
                    clipFeatures.add(f.reshape(map[0], -1));
                    clipResponses.add(batch.units(t, frames));
                }
                // clip by clip, each clip's frames in order: [N * T', K] and [N * T', U]
                NDArray rows = NDArrays.stack(clipFeatures, 1).reshape(-1, clipFeatures.get(0).getShape().get(1));
                NDArray units = NDArrays.stack(clipResponses, 1).reshape(-1, clipResponses.get(0).getShape().get(1));
                rows.attach(scratch);
                units.attach(scratch);
                features.add(rows);
                responses.add(units);
                floats += rows.size();
            }
            if (floats >= FEATURE_FLOATS) {
                break;
            }
        }
        if (map == null) {
            throw new IllegalArgumentException("no training frames to start the readout from");
        }
        return new Observations(NDArrays.concat(features, 0), NDArrays.concat(responses, 0),
                sampler.clipLength() - burninFrames, streams,
                map[1] / streams, map[2], map[3]);
    }

    private static Summary fit(Map<String, NDArray> tensors, Observations seen) {
        NDArray f = seen.features();
        NDArray y = seen.responses();
        long frames = f.getShape().get(0);
        int units = (int) y.getShape().get(1);
        int streams = seen.streams();
        int channels = (int) seen.channels();
        int cells = (int) seen.cells();
        NDArray featureMean = f.mean(new int[] {0});                                   // [K]
        NDArray featureCentred = f.sub(featureMean);
        NDArray spread = featureCentred.square().mean(new int[] {0}).sqrt();
        // a channel that barely moved in these frames would get a weight that explodes once it moves: standardise
        // with a floor of a tenth of the channels' mean spread
        NDArray featureStd = spread.add(spread.mean().mul(STD_FLOOR)).add(EPS);
        NDArray z = featureCentred.div(featureStd);                                   // [T, K]
        NDArray responseMean = y.mean(new int[] {0});                                  // [U]
        NDArray centred = y.sub(responseMean);
        NDArray responseStd = centred.square().mean(new int[] {0}).sqrt().add(EPS);
        // the same responses shifted by whole clips: paired with other clips' frames at the same time after the
        // clip's fresh start, they keep their own autocorrelation and the state's start-up but lose the stimulus,
        // so their best cell's R^2 is what the search finds without it
        List<Long> shifts = new ArrayList<>();
        long clips = frames / seen.framesPerClip();
        for (int k = 1; k <= CHANCE_SHIFTS && clips > 1; k++) {
            shifts.add(Math.max(1, Math.round((double) clips * k / (CHANCE_SHIFTS + 1))) * seen.framesPerClip());
        }
        NDArray zT = z.transpose();                                                    // [K, T]
        float[] means = responseMean.toFloatArray();
        float[] floor = new float[units];
        for (int u = 0; u < units; u++) {
            floor[u] = (float) Math.max(means[u], MIN_MEAN_RATE);
        }
        // the linearised Poisson target: (y - mean) / m
        NDArray target = centred.div(y.getManager().create(floor));                     // [T, U]
        NDArray zByStream = z.reshape(frames, streams, (long) channels * cells).transpose(1, 0, 2); // [S, T, C*P]

        // [S, P, C, C] per stream and cell: the inverse Cholesky factor of its channels' correlation matrix
        NDArray cellFeatures = z.reshape(frames, streams, channels, cells).transpose(1, 3, 0, 2); // [S, P, T, C]
        NDArray whitening = inverseCholesky(cellFeatures.transpose(0, 1, 3, 2).matMul(cellFeatures).div(frames),
                streams * cells, channels);

        Starts starts = new Starts(units, streams, channels);
        long chunk = Math.max(1, CHUNK_FLOATS / ((long) streams * channels * cells));
        for (int from = 0; from < units; from += (int) chunk) {
            int to = (int) Math.min(units, from + chunk);
            int n = to - from;
            NDIndex slice = new NDIndex(":, " + from + ":" + to);
            // [S, P, C, Uc] correlation of every channel at every cell with every unit of the chunk
            NDArray chunkResponses = centred.get(slice);                                  // [T, Uc]
            NDArray chunkStd = responseStd.get(from + ":" + to);
            NDArray whitened = whitening.matMul(correlations(zT, chunkResponses, chunkStd, streams, channels,
                    cells));                                                              // [S, P, C, Uc]
            NDArray rSquared = whitened.square().sum(new int[] {2});                      // [S, P, Uc]
            NDArray chanceRSquared = responseMean.get(from + ":" + to).zerosLike();      // [Uc], the most of any shift
            for (long by : shifts) {
                NDArray tail = chunkResponses.get(by + ":");
                NDArray head = chunkResponses.get(":" + by);
                NDArray shifted = tail.concat(head, 0);
                NDArray r2 = whitening.matMul(correlations(zT, shifted, chunkStd, streams, channels, cells))
                        .square().sum(new int[] {2}).sum(new int[] {0}).max(new int[] {0});
                chanceRSquared = chanceRSquared.maximum(r2);
                // [T, Uc] each: released at once, as the start may see thousands of units over thousands of frames
                tail.close();
                head.close();
                shifted.close();
            }
            NDArray best = rSquared.sum(new int[] {0}).argMax(0);                         // [Uc]
            NDArray atBest = best.expandDims(0).eq(y.getManager().arange(cells).toType(DataType.INT64, false)
                    .expandDims(1)).toType(DataType.FLOAT32, false);                    // [P, Uc] one-hot
            // regression coefficients on the standardised channels of every cell, kept at the unit's cell
            NDArray beta = whitening.transpose(0, 1, 3, 2).matMul(whitened).mul(atBest.expandDims(1)); // [S, P, C, Uc]
            NDArray coefficients = beta.sum(new int[] {1});                               // [S, C, Uc]
            // the unit's standardised drive per stream: Z_s [T, C*P] x (beta at its cell) [C*P, Uc]
            NDArray drive = zByStream.matMul(beta.transpose(0, 2, 1, 3).reshape(streams, (long) channels * cells, n));
            NDArray fitted = drive.mul(target.get(slice).expandDims(0)).sum(new int[] {1}); // [S, Uc]
            NDArray power = drive.square().sum(new int[] {1});                            // [S, Uc]
            NDArray explained = rSquared.mul(atBest).sum(new int[] {1});                  // [S, Uc]
            NDArray stdAtBest = featureStd.reshape(streams, channels, cells, 1).mul(atBest).sum(new int[] {2});
            NDArray meanAtBest = featureMean.reshape(streams, channels, cells, 1).mul(atBest).sum(new int[] {2});
            starts.put(from, to, best.toType(DataType.INT32, false).toIntArray(), coefficients.toFloatArray(),
                    explained.toFloatArray(), fitted.toFloatArray(), power.toFloatArray(), stdAtBest.toFloatArray(),
                    meanAtBest.toFloatArray(), floor, chanceRSquared.toFloatArray(), frames);
        }
        starts.write(tensors, seen.height(), seen.width());
        return new Summary((int) frames, median(starts.correlation), median(starts.modulation),
                median(starts.shrinkage));
    }

    /**
     * @param zT        [K, T] the standardised channels, transposed
     * @param responses [T, Uc] centred responses of a chunk of units
     * @param std       [Uc] their standard deviations
     * @return [S, P, C, Uc] the correlation of every standardised channel at every cell with every unit
     */
    private static NDArray correlations(NDArray zT, NDArray responses, NDArray std, int streams, int channels,
                                        int cells) {
        long frames = zT.getShape().get(1);
        NDArray standardised = responses.div(std);
        NDArray correlation = zT.matMul(standardised).div(frames);
        standardised.close();
        return correlation.reshape(streams, channels, cells, responses.getShape().get(1)).transpose(0, 2, 1, 3);
    }

    /** The readout's starting values, filled chunk by chunk of units. */
    private static final class Starts {
        final int units;
        final int streams;
        final int channels;
        final int[] cell;
        /** [S][U*C] in the weights' layout [U, 1, C] */
        final float[][] weights;
        /** [S][U] */
        final float[][] biases;
        final double[] correlation;
        final double[] modulation;
        /** [U] the share of the unit's best R^2 above what the same search finds in noise; 0 keeps fnn's start */
        final double[] shrinkage;

        Starts(int units, int streams, int channels) {
            this.units = units;
            this.streams = streams;
            this.channels = channels;
            this.cell = new int[units];
            this.weights = new float[streams][units * channels];
            this.biases = new float[streams][units];
            this.correlation = new double[units];
            this.modulation = new double[units];
            this.shrinkage = new double[units];
        }

        /**
         * Arrays as the chunk computed them: cells [Uc], coefficients [S, C, Uc], explained variance [S, Uc],
         * drive-target and drive-drive products [S, Uc], the cell's channel s.d. and mean [S, C, Uc], the best
         * cell's R^2 (summed over streams) on responses shifted away from their frames [Uc].
         */
        void put(int from, int to, int[] best, float[] beta, float[] explained, float[] fitted, float[] power,
                 float[] std, float[] mean, float[] meanRate, float[] chanceRSquared, long frames) {
            int n = to - from;
            for (int i = 0; i < n; i++) {
                int u = from + i;
                double found = 0;
                for (int s = 0; s < streams; s++) {
                    found += explained[s * n + i];
                }
                // what the search would have found in noise is shrunk away; a unit at chance keeps fnn's start
                shrinkage[u] = found > 0 ? Math.max(0, 1 - chanceRSquared[i] / found) : 0;
                cell[u] = shrinkage[u] > 0 ? best[i] : -1;
                double rSquared = 0;
                double logSd = 0;
                for (int s = 0; s < streams; s++) {
                    double driveSd = Math.sqrt(power[s * n + i] / frames);
                    // least squares along the regression's direction; never against it, and capped
                    double scale = power[s * n + i] > 0 ? Math.max(0, fitted[s * n + i] / power[s * n + i]) : 0;
                    scale = shrinkage[u] * Math.min(scale, MAX_MODULATION / Math.max(driveSd, EPS));
                    double offset = 0;
                    for (int c = 0; c < channels; c++) {
                        int at = (s * channels + c) * n + i;
                        double w = scale * beta[at] / std[at];
                        weights[s][u * channels + c] = (float) w;
                        offset += w * mean[at];
                    }
                    biases[s][u] = (float) (Math.log(meanRate[u]) - offset);
                    rSquared += explained[s * n + i] / streams;
                    logSd += scale * driveSd / streams;
                }
                correlation[u] = Math.sqrt(Math.max(0, rSquared));
                modulation[u] = logSd;
            }
        }

        void write(Map<String, NDArray> tensors, long height, long width) {
            float[] mu = new float[units * 2];
            float[] sigma = new float[units * 4];
            for (int u = 0; u < units; u++) {
                if (cell[u] < 0) {
                    // fnn's start: the centre of the map, a spread of 0.4 (the weights are zero)
                    sigma[4 * u] = FNN_SPREAD;
                    sigma[4 * u + 3] = FNN_SPREAD;
                    continue;
                }
                long row = cell[u] / width;
                long column = cell[u] % width;
                // the cell's centre in grid coordinates (align_corners=False), unbounded through tanh's inverse
                mu[2 * u] = (float) atanh((2.0 * column + 1) / width - 1);
                mu[2 * u + 1] = (float) atanh((2.0 * row + 1) / height - 1);
                sigma[4 * u] = (float) (1.0 / width);
                sigma[4 * u + 3] = (float) (1.0 / height);
            }
            set(tensors, Network.POSITION_MEAN_KEY, mu);
            set(tensors, "readout.position.sigma", sigma);
            for (int s = 0; s < streams; s++) {
                set(tensors, "readout.feature.weights." + s, weights[s]);
                set(tensors, "readout.biases." + s, biases[s]);
            }
        }
    }

    /**
     * @param correlations [B, C, C] correlation matrices (B = S * P)
     * @return [B, C, C] the inverse of each one's Cholesky factor L (C = L L^T), with {@value #RIDGE} added to the
     *         diagonal so that channels that move together (or not at all) stay solvable: L^-1 whitens the
     *         channels, L^-T L^-1 solves the regression on them
     */
    private static NDArray inverseCholesky(NDArray correlations, int count, int channels) {
        float[] all = correlations.toFloatArray();
        float[] out = new float[all.length];
        double[][] lower = new double[channels][channels];
        for (int b = 0; b < count; b++) {
            int base = b * channels * channels;
            for (int i = 0; i < channels; i++) {
                for (int j = 0; j <= i; j++) {
                    double sum = all[base + i * channels + j] + (i == j ? RIDGE : 0);
                    for (int k = 0; k < j; k++) {
                        sum -= lower[i][k] * lower[j][k];
                    }
                    lower[i][j] = i == j ? Math.sqrt(Math.max(sum, RIDGE)) : sum / lower[j][j];
                }
            }
            // forward substitution, column by column: L X = I
            for (int column = 0; column < channels; column++) {
                for (int i = column; i < channels; i++) {
                    double sum = i == column ? 1 : 0;
                    for (int k = column; k < i; k++) {
                        sum -= lower[i][k] * out[base + k * channels + column];
                    }
                    out[base + i * channels + column] = (float) (sum / lower[i][i]);
                }
            }
        }
        return correlations.getManager().create(out, correlations.getShape());
    }

    private static void set(Map<String, NDArray> tensors, String key, float[] values) {
        NDArray tensor = tensors.get(key);
        if (tensor == null) {
            throw new IllegalArgumentException("no tensor '" + key + "' to start");
        }
        Shape shape = tensor.getShape();
        tensor.set(new NDIndex("..."), tensor.getManager().create(values, shape));
    }

    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }
}
