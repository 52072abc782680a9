package io.twinloop.simulator.stimuli;

import java.util.SplittableRandom;

/**
 * Random dot kinematograms: white dots on gray, a fraction of which (the coherence, 50% or 100%)
 * follow one global flow (translation in one of 8 directions, radial expansion or contraction, or
 * rotation clockwise or counter-clockwise about the screen centre) while the rest step in random
 * directions at the same speed. One pattern per one-second trial. Dots that leave the screen
 * re-enter: by wrapping for translation, at a random position otherwise.
 */
public final class RandomDotKinematogramDomain implements StimulusDomain {
    /** The global flow of the coherent dots. */
    public enum Pattern { TRANSLATION, RADIAL, ROTATION }

    static final int DOTS = 150;
    static final double SPEED_PX_PER_FRAME = 3.0;
    static final double DOT_RADIUS_PX = 2.0;
    static final double[] COHERENCES = {0.5, 1.0};
    private static final int TRANSLATION_DIRECTIONS = 8;
    private static final long STREAM = 0x4D4B;

    private final FrameGeometry geometry;
    private final long seed;
    private final int framesPerTrial;
    private final TrialCache<Trial> trials;
    /** The dot field of the latest frame rendered, so the next frame is one step away. */
    private DotField field;
    /** Draws the random steps of the current trial, in frame order. */
    private SplittableRandom fieldRandom;

    public RandomDotKinematogramDomain(FrameGeometry geometry, long seed) {
        this.geometry = geometry;
        this.seed = seed;
        this.framesPerTrial = geometry.framesFor(1.0);
        this.trials = new TrialCache<>(this::drawTrial);
    }

    /**
     * One trial's flow. {@code sign} is +1 for expansion / counter-clockwise rotation and -1 for
     * contraction / clockwise; {@code directionRad} is used by translation only (y up).
     */
    public record Trial(Pattern pattern, double directionRad, int sign, double coherence) {
    }

    /** Dot centres (pixels, image axes) at one frame; {@code coherent[i]} says whether dot i follows the flow. */
    public record DotField(long trial, int frameInTrial, double[] x, double[] y, boolean[] coherent) {
    }

    @Override
    public String name() {
        return "random-dot-kinematogram";
    }

    @Override
    public FrameGeometry geometry() {
        return geometry;
    }

    private Trial drawTrial(long index) {
        SplittableRandom random = TrialRandom.of(seed, STREAM, index);
        Pattern pattern = Pattern.values()[random.nextInt(Pattern.values().length)];
        double direction = 2 * Math.PI * random.nextInt(TRANSLATION_DIRECTIONS) / TRANSLATION_DIRECTIONS;
        int sign = random.nextBoolean() ? 1 : -1;
        double coherence = COHERENCES[random.nextInt(COHERENCES.length)];
        return new Trial(pattern, pattern == Pattern.TRANSLATION ? direction : 0, sign, coherence);
    }

    /** The trial shown at {@code frameIndex}. */
    public Trial trialAt(long frameIndex) {
        return trials.get(frameIndex / framesPerTrial);
    }

    /** The dots at {@code frameIndex}: stepped on from the last frame asked for, or replayed from the trial start. */
    public DotField dotsAt(long frameIndex) {
        long trialIndex = frameIndex / framesPerTrial;
        int frameInTrial = (int) (frameIndex % framesPerTrial);
        if (field == null || field.trial() != trialIndex || field.frameInTrial() > frameInTrial) {
            field = initialField(trialIndex);
        }
        Trial trial = trials.get(trialIndex);
        while (field.frameInTrial() < frameInTrial) {
            field = step(trial, field);
        }
        return field;
    }

    private DotField initialField(long trialIndex) {
        Trial trial = trials.get(trialIndex);
        SplittableRandom random = TrialRandom.of(seed, STREAM + 1, trialIndex);
        double[] x = new double[DOTS];
        double[] y = new double[DOTS];
        boolean[] coherent = new boolean[DOTS];
        int coherentCount = (int) Math.round(trial.coherence() * DOTS);
        for (int i = 0; i < DOTS; i++) {
            x[i] = random.nextDouble(0, geometry.width());
            y[i] = random.nextDouble(0, geometry.height());
            coherent[i] = i < coherentCount; // positions are random, so which indices cohere does not matter
        }
        fieldRandom = random;
        return new DotField(trialIndex, 0, x, y, coherent);
    }

    private DotField step(Trial trial, DotField from) {
        double[] x = from.x().clone();
        double[] y = from.y().clone();
        SplittableRandom random = fieldRandom;
        double centreX = geometry.width() / 2.0;
        double centreY = geometry.height() / 2.0;
        for (int i = 0; i < DOTS; i++) {
            if (from.coherent()[i]) {
                moveCoherently(trial, i, x, y, centreX, centreY);
            } else {
                double heading = random.nextDouble(0, 2 * Math.PI);
                x[i] += SPEED_PX_PER_FRAME * Math.cos(heading);
                y[i] += SPEED_PX_PER_FRAME * Math.sin(heading);
            }
            reenter(trial, i, x, y, random);
        }
        return new DotField(from.trial(), from.frameInTrial() + 1, x, y, from.coherent());
    }

    private void moveCoherently(Trial trial, int i, double[] x, double[] y, double centreX, double centreY) {
        double dx = x[i] - centreX;
        double dy = y[i] - centreY;
        double r = Math.max(Math.hypot(dx, dy), 1e-6);
        switch (trial.pattern()) {
            case TRANSLATION -> {
                x[i] += SPEED_PX_PER_FRAME * Math.cos(trial.directionRad());
                y[i] -= SPEED_PX_PER_FRAME * Math.sin(trial.directionRad()); // y up on screen
            }
            case RADIAL -> {
                x[i] += trial.sign() * SPEED_PX_PER_FRAME * dx / r;
                y[i] += trial.sign() * SPEED_PX_PER_FRAME * dy / r;
            }
            case ROTATION -> {
                // Counter-clockwise on screen is clockwise in image axes (rows down), hence the minus.
                double angle = -trial.sign() * SPEED_PX_PER_FRAME / Math.max(r, SPEED_PX_PER_FRAME);
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                x[i] = centreX + dx * cos - dy * sin;
                y[i] = centreY + dx * sin + dy * cos;
            }
        }
    }

    private void reenter(Trial trial, int i, double[] x, double[] y, SplittableRandom random) {
        double width = geometry.width();
        double height = geometry.height();
        boolean outside = x[i] < 0 || x[i] >= width || y[i] < 0 || y[i] >= height;
        boolean collapsed = trial.pattern() == Pattern.RADIAL && trial.sign() < 0
                && Math.hypot(x[i] - width / 2, y[i] - height / 2) < SPEED_PX_PER_FRAME;
        if (trial.pattern() == Pattern.TRANSLATION) {
            x[i] = wrap(x[i], width);
            y[i] = wrap(y[i], height);
        } else if (outside || collapsed) {
            x[i] = random.nextDouble(0, width);
            y[i] = random.nextDouble(0, height);
        }
    }

    private static double wrap(double value, double period) {
        double wrapped = value % period;
        return wrapped < 0 ? wrapped + period : wrapped;
    }

    @Override
    public void render(long frameIndex, float[] out) {
        DotField dots = dotsAt(frameIndex);
        Luminance.fillGray(out);
        int width = geometry.width();
        int reach = (int) Math.ceil(DOT_RADIUS_PX);
        double radiusSq = DOT_RADIUS_PX * DOT_RADIUS_PX;
        for (int i = 0; i < DOTS; i++) {
            int cx = (int) Math.round(dots.x()[i]);
            int cy = (int) Math.round(dots.y()[i]);
            for (int row = Math.max(0, cy - reach); row <= Math.min(geometry.height() - 1, cy + reach); row++) {
                for (int col = Math.max(0, cx - reach); col <= Math.min(width - 1, cx + reach); col++) {
                    double dx = col - dots.x()[i];
                    double dy = row - dots.y()[i];
                    if (dx * dx + dy * dy <= radiusSq) {
                        out[row * width + col] = 1f;
                    }
                }
            }
        }
    }

    @Override
    public FrameDescription describe(long frameIndex) {
        Trial trial = trialAt(frameIndex);
        return FrameDescription.builder("rdk")
                .put("trial", frameIndex / framesPerTrial)
                .put("pattern", trial.pattern().ordinal())
                .put("direction_deg", Math.toDegrees(trial.directionRad()))
                .put("sign", trial.sign())
                .put("coherence", trial.coherence())
                .put("speed_px_per_frame", SPEED_PX_PER_FRAME)
                .put("dots", DOTS)
                .build();
    }
}
