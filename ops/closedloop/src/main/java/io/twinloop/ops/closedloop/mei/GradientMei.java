package io.twinloop.ops.closedloop.mei;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.Twin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Most exciting inputs by gradient ascent through a differentiable twin (Walker et al., Nat. Neurosci. 2019;
 * Wang et al., Nature 2025, Methods), for any {@link Twin} whose {@link Twin#differentiable} is true: fnn's
 * network in Java (from a {@code .twinloop} file or fnn's {@code .pt} files) or a TorchScript twin.
 *
 * <p>Each row of one batch optimises its own unit (a unit named twice gets two MEIs from two random starts, the
 * diversity option), so many units cost one forward and one backward pass per iteration. A row's stimulus is
 * shown for T frames from a fresh state; the objective is its unit's mean predicted response over the frames after
 * the burn-in. The parameter is an image (shown on every frame) or a T-frame video; the stimulus the twin sees is
 * the parameter moved to the target mean luminance and RMS contrast (the natural clips' values) and clipped to
 * [0, 1] (clipping lowers the contrast a little; {@link Result#contrast} is what was reached). Each iteration the
 * gradient is blurred by a Gaussian (preconditioning towards smooth stimuli) and the parameter moves by a fixed
 * step along the blurred gradient normalised to unit RMS.
 *
 * <p>Autograd is driven with libtorch's grad mode on this thread and one backward pass per iteration (no
 * {@code GradientCollector}, of which DJL allows one per JVM); the twin's parameters get no gradient.
 */
public final class GradientMei {

    /** Static image shown for every frame, or a video with its own frame per step. */
    public enum Kind { IMAGE, VIDEO }

    /**
     * @param frames       T frames per presentation
     * @param burnIn       frames before the objective's window (the twin's state settles)
     * @param steps        gradient iterations
     * @param stepSize     parameter change per iteration along the normalised gradient
     * @param mean         mean luminance of the stimulus, in [0, 1]
     * @param contrast     RMS contrast of the stimulus (standard deviation of its luminance)
     * @param blurSigma    Gaussian blur of the gradient, in pixels (0: none)
     * @param height       frame height (ignored by a twin with a fixed frame size: it gets its own)
     * @param width        frame width
     * @param perspective  the behaviour shown with the stimulus: standardised pupil centre [P]
     * @param modulation   standardised pupil radius and treadmill velocity [M]
     * @param seed         random start of every row
     */
    public record Settings(Kind kind, int frames, int burnIn, int steps, double stepSize, double mean,
                           double contrast, double blurSigma, int height, int width, float[] perspective,
                           float[] modulation, long seed) {
        public Settings {
            if (frames < 1 || burnIn < 0 || burnIn >= frames || steps < 0 || !(contrast > 0) || height < 0
                    || width < 0) {
                throw new IllegalArgumentException("MEI settings: frames " + frames + ", burn-in " + burnIn
                        + ", steps " + steps + ", contrast " + contrast + ", size " + height + " x " + width);
            }
        }
    }

    /**
     * @param unit      the unit this row drove
     * @param stimulus  [frames of the parameter (1 for an image)][height * width] luminance in [0, 1]
     * @param response  its unit's mean response over the window, at the end
     * @param start     the same at the random start
     * @param contrast  the stimulus's RMS contrast after clipping
     * @param progress  the objective at each iteration
     */
    public record Result(int unit, int height, int width, float[][] stimulus, double response, double start,
                         double contrast, double[] progress) {
    }

    private GradientMei() {
    }

    /**
     * @param twin  differentiable twin
     * @param units one row per entry (repeat a unit for several MEIs of it)
     */
    public static List<Result> optimise(Twin twin, int[] units, Settings s) {
        if (!twin.differentiable()) {
            throw new IllegalArgumentException("this twin passes no gradient to its frames: use the gradient-free"
                    + " search (mei --method cmaes)");
        }
        for (int unit : units) {
            if (unit < 0 || unit >= twin.units()) {
                throw new IllegalArgumentException("unit " + unit + " of a twin with " + twin.units() + " units");
            }
        }
        int height = twin.frameSize().map(Twin.FrameSize::height).orElse(s.height());
        int width = twin.frameSize().map(Twin.FrameSize::width).orElse(s.width());
        if (height < 2 || width < 2) {
            throw new IllegalArgumentException("MEI of " + height + " x " + width + " pixels: give the frame size");
        }
        int n = units.length;
        int depth = s.kind() == Kind.IMAGE ? 1 : s.frames();
        int area = height * width;
        SplittableRandom random = new SplittableRandom(s.seed());
        float[] parameter = new float[n * depth * area];
        for (int i = 0; i < parameter.length; i++) {
            parameter[i] = (float) random.nextGaussian();
        }
        double[][] progress = new double[n][s.steps()];
        double[] start = null;
        for (int iteration = 0; iteration <= s.steps(); iteration++) {
            boolean last = iteration == s.steps();
            Evaluation e = evaluate(twin, units, s, parameter, depth, height, width, !last);
            if (iteration == 0) {
                start = e.objective;
            }
            if (last) {
                List<Result> results = new ArrayList<>(n);
                for (int r = 0; r < n; r++) {
                    float[][] stimulus = new float[depth][];
                    for (int d = 0; d < depth; d++) {
                        stimulus[d] = Arrays.copyOfRange(e.stimulus, (r * depth + d) * area, (r * depth + d + 1) * area);
                    }
                    results.add(new Result(units[r], height, width, stimulus, e.objective[r], start[r],
                            Contrast.rms(stimulus), progress[r]));
                }
                return results;
            }
            for (int r = 0; r < n; r++) {
                progress[r][iteration] = e.objective[r];
                float[] g = Arrays.copyOfRange(e.gradient, r * depth * area, (r + 1) * depth * area);
                for (int d = 0; d < depth; d++) {
                    blur(g, d * area, height, width, s.blurSigma());
                }
                double norm = 0;
                for (float v : g) {
                    norm += v * v;
                }
                norm = Math.sqrt(norm / g.length);
                if (norm > 0) {
                    for (int k = 0; k < g.length; k++) {
                        parameter[r * depth * area + k] += (float) (s.stepSize() * g[k] / norm);
                    }
                }
            }
        }
        throw new AssertionError("unreachable");
    }

    private record Evaluation(double[] objective, float[] stimulus, float[] gradient) {
    }

    /** One presentation of every row's stimulus: objectives, the stimuli, and d(sum of objectives)/d(parameter). */
    private static Evaluation evaluate(Twin twin, int[] units, Settings s, float[] parameter, int depth, int height,
                                       int width, boolean gradient) {
        int n = units.length;
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager m = twin.manager().newSubManager()) {
            JniUtils.setGradMode(gradient);
            NDArray x = m.create(parameter, new Shape(n, depth, height, width));
            if (gradient) {
                x.setRequiresGradient(true);
            }
            NDArray stimulus = constrain(x, s.mean(), s.contrast());
            float[] mask = new float[n * twin.units()];
            for (int r = 0; r < n; r++) {
                mask[r * twin.units() + units[r]] = 1;
            }
            NDArray select = m.create(mask, new Shape(n, twin.units()));
            NDArray perspective = m.create(repeat(s.perspective(), n), new Shape(n, s.perspective().length));
            NDArray modulation = m.create(repeat(s.modulation(), n), new Shape(n, s.modulation().length));
            NetworkState state = twin.initialState(n, m);
            NDArray window = null;
            for (int t = 0; t < s.frames(); t++) {
                NDArray frame = stimulus.get(":, " + (depth == 1 ? 0 : t) + ":" + ((depth == 1 ? 0 : t) + 1));
                Twin.Step step = twin.step(frame, perspective, modulation, state);
                state = step.state();
                if (t >= s.burnIn()) {
                    NDArray own = step.rates().mul(select).sum(new int[] {1});
                    window = window == null ? own : window.add(own);
                }
            }
            NDArray objective = window.div(s.frames() - s.burnIn());
            float[] values = objective.toFloatArray();
            float[] gradients = null;
            if (gradient) {
                PtNDArray total = (PtNDArray) objective.sum();
                JniUtils.backward(total, (PtNDArray) m.ones(total.getShape()), false, false);
                gradients = x.getGradient().toFloatArray();
            }
            double[] out = new double[n];
            for (int r = 0; r < n; r++) {
                out[r] = values[r];
            }
            return new Evaluation(out, stimulus.toFloatArray(), gradients);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * @param x [N, D, H, W] any scale
     * @return [N, D, H, W]: each row at the given mean and RMS contrast, clipped to [0, 1]
     */
    static NDArray constrain(NDArray x, double mean, double contrast) {
        Shape shape = x.getShape();
        NDArray rows = x.reshape(shape.get(0), -1);
        NDArray centred = rows.sub(rows.mean(new int[] {1}, true));
        NDArray rms = centred.square().mean(new int[] {1}, true).sqrt().add(1e-8f);
        return centred.div(rms).mul((float) contrast).add((float) mean).clip(0, 1).reshape(shape);
    }

    private static float[] repeat(float[] row, int n) {
        float[] out = new float[row.length * n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(row, 0, out, r * row.length, row.length);
        }
        return out;
    }

    /** Separable Gaussian blur in place of one [height, width] plane at {@code offset}, edges replicated. */
    static void blur(float[] values, int offset, int height, int width, double sigma) {
        if (!(sigma > 0)) {
            return;
        }
        int radius = (int) Math.ceil(3 * sigma);
        float[] kernel = new float[2 * radius + 1];
        double total = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = (float) Math.exp(-k * k / (2 * sigma * sigma));
            total += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= (float) total;
        }
        float[] tmp = new float[height * width];
        for (int i = 0; i < height; i++) {
            for (int j = 0; j < width; j++) {
                float acc = 0;
                for (int k = -radius; k <= radius; k++) {
                    int jj = Math.min(width - 1, Math.max(0, j + k));
                    acc += kernel[k + radius] * values[offset + i * width + jj];
                }
                tmp[i * width + j] = acc;
            }
        }
        for (int i = 0; i < height; i++) {
            for (int j = 0; j < width; j++) {
                float acc = 0;
                for (int k = -radius; k <= radius; k++) {
                    int ii = Math.min(height - 1, Math.max(0, i + k));
                    acc += kernel[k + radius] * tmp[ii * width + j];
                }
                values[offset + i * width + j] = acc;
            }
        }
    }
}
