package io.twinloop.simulator.stimuli;

import java.util.SplittableRandom;

/**
 * Directional pink noise: 1/f noise with its energy concentrated on one orientation, drifting
 * perpendicular to its stripes in one of 16 directions. Each direction lasts one second; every
 * block of 16 trials shows all 16 directions in a random order. Directions as for the Gabors:
 * 0 deg rightwards, 90 deg upwards.
 */
public final class DirectionalPinkNoiseDomain implements StimulusDomain {
    public static final int DIRECTIONS = 16;
    /** Drift speed in pixels per frame. */
    static final double SPEED_PX_PER_FRAME = 2.0;
    static final double RMS_CONTRAST = 0.18;
    static final double ORIENTATION_CONCENTRATION = 4.0;
    private static final long STREAM = 0xD1E;
    private static final long ORDER_STREAM = 0xD1E0;

    private final FrameGeometry geometry;
    private final long seed;
    private final int framesPerTrial;
    private final TrialCache<Trial> trials;
    private final TrialCache<int[]> orders;

    public DirectionalPinkNoiseDomain(FrameGeometry geometry, long seed) {
        this.geometry = geometry;
        this.seed = seed;
        this.framesPerTrial = geometry.framesFor(1.0);
        this.trials = new TrialCache<>(this::drawTrial);
        this.orders = new TrialCache<>(this::drawOrder);
    }

    private record Trial(int directionIndex, PeriodicTexture texture, double startX, double startY) {
        double directionRad() {
            return 2 * Math.PI * directionIndex / DIRECTIONS;
        }
    }

    @Override
    public String name() {
        return "directional-pink-noise";
    }

    @Override
    public FrameGeometry geometry() {
        return geometry;
    }

    /** A random permutation of the 16 directions for one block of 16 trials (Fisher-Yates). */
    private int[] drawOrder(long block) {
        SplittableRandom random = TrialRandom.of(seed, ORDER_STREAM, block);
        int[] order = new int[DIRECTIONS];
        for (int i = 0; i < DIRECTIONS; i++) {
            order[i] = i;
        }
        for (int i = DIRECTIONS - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        return order;
    }

    private Trial drawTrial(long index) {
        int direction = orders.get(index / DIRECTIONS)[(int) (index % DIRECTIONS)];
        SplittableRandom random = TrialRandom.of(seed, STREAM, index);
        int size = TextureView.textureSizeFor(geometry);
        double directionRad = 2 * Math.PI * direction / DIRECTIONS;
        PeriodicTexture texture = PinkNoise.oriented(size, random, directionRad, ORIENTATION_CONCENTRATION);
        return new Trial(direction, texture, random.nextInt(size), random.nextInt(size));
    }

    @Override
    public void render(long frameIndex, float[] out) {
        Trial trial = trials.get(frameIndex / framesPerTrial);
        int frameInTrial = (int) (frameIndex % framesPerTrial);
        double travelled = SPEED_PX_PER_FRAME * frameInTrial;
        // Content moving by +d on screen means sampling the texture at -d; y is up on screen, down in rows.
        double offsetX = trial.startX() - travelled * Math.cos(trial.directionRad());
        double offsetY = trial.startY() + travelled * Math.sin(trial.directionRad());
        TextureView.paint(trial.texture(), offsetX, offsetY, RMS_CONTRAST, geometry, out);
    }

    @Override
    public FrameDescription describe(long frameIndex) {
        long index = frameIndex / framesPerTrial;
        Trial trial = trials.get(index);
        return FrameDescription.builder("directional-noise")
                .put("trial", index)
                .put("direction_index", trial.directionIndex())
                .put("direction_deg", 360.0 * trial.directionIndex() / DIRECTIONS)
                .put("speed_px_per_frame", SPEED_PX_PER_FRAME)
                .put("rms_contrast", RMS_CONTRAST)
                .build();
    }
}
