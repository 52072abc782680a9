package io.twinloop.simulator.stimuli;

import java.util.SplittableRandom;

/**
 * The parametric stimuli of in-silico tuning (Wang et al. 2025, Methods), one condition per clip so that a twin
 * can be shown them in any order and in batches: directional pink noise (the same texture statistics, contrast
 * and speed as {@link DirectionalPinkNoiseDomain}) drifting in one of 16 directions, and flashing "off" Gaussian
 * dots on a 17 x 29 grid of positions spread evenly over the screen.
 *
 * <p>Coordinates: pixel (row, column) covers [column, column + 1) x [row, row + 1), so its centre is at
 * (column + 0.5, row + 0.5); dot centres and receptive-field centres ({@code NeuronTuning}) use this convention.
 * Directions: 0 deg rightwards, 90 deg upwards.
 */
public final class TuningStimuli {

    public static final int DIRECTIONS = DirectionalPinkNoiseDomain.DIRECTIONS;
    public static final int DOT_ROWS = 17;
    public static final int DOT_COLUMNS = 29;
    private static final long NOISE_STREAM = 0x7E57D1EL;

    private final FrameGeometry geometry;
    private final long seed;
    private final double dotSigma;

    /** Dots of standard deviation one grid step (the larger of the two), so neighbouring dots overlap. */
    public TuningStimuli(FrameGeometry geometry, long seed) {
        this.geometry = geometry;
        this.seed = seed;
        this.dotSigma = Math.max((double) geometry.width() / DOT_COLUMNS, (double) geometry.height() / DOT_ROWS);
    }

    public FrameGeometry geometry() {
        return geometry;
    }

    /** @return direction of index {@code d} in degrees (multiples of 22.5) */
    public static double directionDegrees(int d) {
        return 360.0 * d / DIRECTIONS;
    }

    /**
     * @param direction index 0..15
     * @param repeat    which texture: every (direction, repeat) has its own
     * @param frames    clip length
     * @return [frames][height * width] luminance in [0, 1]: the texture drifting 2 px per frame
     */
    public float[][] directionalNoise(int direction, int repeat, int frames) {
        if (direction < 0 || direction >= DIRECTIONS) {
            throw new IllegalArgumentException("direction index must be in 0.." + (DIRECTIONS - 1));
        }
        SplittableRandom random = TrialRandom.of(seed, NOISE_STREAM, (long) repeat * DIRECTIONS + direction);
        int size = TextureView.textureSizeFor(geometry);
        double rad = Math.toRadians(directionDegrees(direction));
        PeriodicTexture texture = PinkNoise.oriented(size, random,
                rad, DirectionalPinkNoiseDomain.ORIENTATION_CONCENTRATION);
        double startX = random.nextInt(size);
        double startY = random.nextInt(size);
        float[][] out = new float[frames][geometry.pixels()];
        for (int t = 0; t < frames; t++) {
            double travelled = DirectionalPinkNoiseDomain.SPEED_PX_PER_FRAME * t;
            // Content moving by +d on screen means sampling the texture at -d; y is up on screen, down in rows.
            TextureView.paint(texture, startX - travelled * Math.cos(rad), startY + travelled * Math.sin(rad),
                    DirectionalPinkNoiseDomain.RMS_CONTRAST, geometry, out[t]);
        }
        return out;
    }

    /** @return screen x of the dot column's centre, pixels */
    public double dotX(int column) {
        return (column + 0.5) * geometry.width() / DOT_COLUMNS;
    }

    /** @return screen y of the dot row's centre, pixels (down) */
    public double dotY(int row) {
        return (row + 0.5) * geometry.height() / DOT_ROWS;
    }

    public double dotSigma() {
        return dotSigma;
    }

    /** @return one frame: a black Gaussian dot (luminance 0.5 - 0.5 exp(-r^2 / 2 sigma^2)) on gray */
    public float[] offDot(int row, int column) {
        float[] out = new float[geometry.pixels()];
        Luminance.fillGray(out);
        double cx = dotX(column);
        double cy = dotY(row);
        int reach = (int) Math.ceil(4 * dotSigma);
        int width = geometry.width();
        double twoSigmaSq = 2 * dotSigma * dotSigma;
        for (int y = Math.max(0, (int) cy - reach); y <= Math.min(geometry.height() - 1, (int) cy + reach); y++) {
            double dy = y + 0.5 - cy;
            for (int x = Math.max(0, (int) cx - reach); x <= Math.min(width - 1, (int) cx + reach); x++) {
                double dx = x + 0.5 - cx;
                out[y * width + x] = Luminance.GRAY - (float) (0.5 * Math.exp(-(dx * dx + dy * dy) / twoSigmaSq));
            }
        }
        return out;
    }

    /** @return a uniform gray frame */
    public float[] gray() {
        float[] out = new float[geometry.pixels()];
        Luminance.fillGray(out);
        return out;
    }
}
