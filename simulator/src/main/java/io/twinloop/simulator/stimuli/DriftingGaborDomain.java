package io.twinloop.simulator.stimuli;

import java.util.SplittableRandom;

/**
 * Drifting Gabor filters: a sinusoidal grating under a Gaussian envelope, drifting along its
 * direction. Each Gabor lasts one second with a random position, direction, spatial and temporal
 * frequency; ten make a ten-second trial. Directions use the math convention on screen: 0 deg
 * drifts rightwards, 90 deg upwards.
 */
public final class DriftingGaborDomain implements StimulusDomain {
    static final double MIN_SF_CPP = 0.01;
    static final double MAX_SF_CPP = 0.05;
    static final double MIN_TF_HZ = 1;
    static final double MAX_TF_HZ = 4;
    private static final int GABORS_PER_TRIAL = 10;
    private static final long STREAM = 0x6AB0;

    private final FrameGeometry geometry;
    private final long seed;
    private final int framesPerGabor;
    private final TrialCache<Gabor> gabors;
    private final float[] rowCos;
    private final float[] rowSin;
    private final float[] rowEnvelope;
    private final float[] colCos;
    private final float[] colSin;
    private final float[] colEnvelope;

    public DriftingGaborDomain(FrameGeometry geometry, long seed) {
        this.geometry = geometry;
        this.seed = seed;
        this.framesPerGabor = geometry.framesFor(1.0);
        this.gabors = new TrialCache<>(this::drawGabor);
        this.rowCos = new float[geometry.height()];
        this.rowSin = new float[geometry.height()];
        this.rowEnvelope = new float[geometry.height()];
        this.colCos = new float[geometry.width()];
        this.colSin = new float[geometry.width()];
        this.colEnvelope = new float[geometry.width()];
    }

    /** The parameters of one Gabor presentation. Positions in pixels, sf in cycles/pixel. */
    record Gabor(double centreX, double centreY, double directionRad, double sfCyclesPerPixel,
                 double tfHz, double sigmaPx, double startPhaseRad) {
    }

    @Override
    public String name() {
        return "drifting-gabor";
    }

    @Override
    public FrameGeometry geometry() {
        return geometry;
    }

    private Gabor drawGabor(long index) {
        SplittableRandom random = TrialRandom.of(seed, STREAM, index);
        double sf = TrialRandom.logUniform(random, MIN_SF_CPP, MAX_SF_CPP);
        // About one and a half periods per standard deviation: the orientation is unambiguous.
        double sigma = Math.min(Math.max(0.75 / sf, 12), 45);
        return new Gabor(
                random.nextDouble(0.15, 0.85) * geometry.width(),
                random.nextDouble(0.15, 0.85) * geometry.height(),
                random.nextDouble(0, 2 * Math.PI),
                sf,
                random.nextDouble(MIN_TF_HZ, MAX_TF_HZ),
                sigma,
                random.nextDouble(0, 2 * Math.PI));
    }

    private double phaseAt(Gabor gabor, long frameIndex) {
        int frameInGabor = (int) (frameIndex % framesPerGabor);
        return gabor.startPhaseRad() - 2 * Math.PI * gabor.tfHz() * frameInGabor / geometry.frameRateHz();
    }

    @Override
    public void render(long frameIndex, float[] out) {
        Gabor g = gabors.get(frameIndex / framesPerGabor);
        double k = 2 * Math.PI * g.sfCyclesPerPixel();
        double kx = k * Math.cos(g.directionRad());
        double kyDown = -k * Math.sin(g.directionRad()); // rows grow downwards, directions are y-up
        double phase = phaseAt(g, frameIndex);
        double twoSigmaSq = 2 * g.sigmaPx() * g.sigmaPx();
        // cos(a + b) = cos a cos b - sin a sin b and the envelope is a product: both separate by axis.
        for (int row = 0; row < geometry.height(); row++) {
            double dy = row - g.centreY();
            double b = kyDown * dy;
            rowCos[row] = (float) Math.cos(b);
            rowSin[row] = (float) Math.sin(b);
            rowEnvelope[row] = (float) Math.exp(-dy * dy / twoSigmaSq);
        }
        int width = geometry.width();
        for (int col = 0; col < width; col++) {
            double dx = col - g.centreX();
            double a = kx * dx + phase;
            colCos[col] = (float) Math.cos(a);
            colSin[col] = (float) Math.sin(a);
            colEnvelope[col] = (float) (0.5 * Math.exp(-dx * dx / twoSigmaSq));
        }
        for (int row = 0; row < geometry.height(); row++) {
            int offset = row * width;
            for (int col = 0; col < width; col++) {
                float carrier = colCos[col] * rowCos[row] - colSin[col] * rowSin[row];
                out[offset + col] = Luminance.GRAY + colEnvelope[col] * rowEnvelope[row] * carrier;
            }
        }
    }

    @Override
    public FrameDescription describe(long frameIndex) {
        long index = frameIndex / framesPerGabor;
        Gabor g = gabors.get(index);
        return FrameDescription.builder("gabor")
                .put("trial", index / GABORS_PER_TRIAL)
                .put("gabor", index)
                .put("centre_x_px", g.centreX())
                .put("centre_y_px", g.centreY())
                .put("direction_deg", Math.toDegrees(g.directionRad()))
                .put("sf_cpp", g.sfCyclesPerPixel())
                .put("tf_hz", g.tfHz())
                .put("sigma_px", g.sigmaPx())
                .put("phase_rad", phaseAt(g, frameIndex))
                .build();
    }
}
