package io.twinloop.simulator.stimuli;

import java.util.SplittableRandom;

/**
 * Flashing Gaussian dots: one dot at a time, on a grid of positions, white ("on") or black ("off")
 * on gray, each shown for 300 ms; the receptive-field mapping stimulus.
 */
public final class FlashingDotDomain implements StimulusDomain {
    static final int GRID_COLUMNS = 8;
    static final int GRID_ROWS = 5;
    private static final long STREAM = 0xD075;

    private final FrameGeometry geometry;
    private final long seed;
    private final int framesPerDot;
    private final double sigmaPx;
    private final TrialCache<Dot> dots;

    public FlashingDotDomain(FrameGeometry geometry, long seed) {
        this.geometry = geometry;
        this.seed = seed;
        this.framesPerDot = geometry.framesFor(0.3);
        this.sigmaPx = geometry.width() / (GRID_COLUMNS * 4.0);
        this.dots = new TrialCache<>(this::drawDot);
    }

    /** One flash: grid cell, its centre in pixels, and +1 for an on (white) dot or -1 for off (black). */
    record Dot(int gridColumn, int gridRow, double centreX, double centreY, int polarity) {
    }

    @Override
    public String name() {
        return "flashing-dots";
    }

    @Override
    public FrameGeometry geometry() {
        return geometry;
    }

    private Dot drawDot(long index) {
        SplittableRandom random = TrialRandom.of(seed, STREAM, index);
        int column = random.nextInt(GRID_COLUMNS);
        int row = random.nextInt(GRID_ROWS);
        return new Dot(column, row,
                (column + 0.5) * geometry.width() / GRID_COLUMNS,
                (row + 0.5) * geometry.height() / GRID_ROWS,
                random.nextBoolean() ? 1 : -1);
    }

    @Override
    public void render(long frameIndex, float[] out) {
        Dot dot = dots.get(frameIndex / framesPerDot);
        Luminance.fillGray(out);
        int reach = (int) Math.ceil(4 * sigmaPx);
        int width = geometry.width();
        int colFrom = Math.max(0, (int) dot.centreX() - reach);
        int colTo = Math.min(width - 1, (int) dot.centreX() + reach);
        int rowFrom = Math.max(0, (int) dot.centreY() - reach);
        int rowTo = Math.min(geometry.height() - 1, (int) dot.centreY() + reach);
        double twoSigmaSq = 2 * sigmaPx * sigmaPx;
        for (int row = rowFrom; row <= rowTo; row++) {
            double dy = row - dot.centreY();
            for (int col = colFrom; col <= colTo; col++) {
                double dx = col - dot.centreX();
                out[row * width + col] = Luminance.GRAY
                        + (float) (0.5 * dot.polarity() * Math.exp(-(dx * dx + dy * dy) / twoSigmaSq));
            }
        }
    }

    @Override
    public FrameDescription describe(long frameIndex) {
        long index = frameIndex / framesPerDot;
        Dot dot = dots.get(index);
        return FrameDescription.builder("dot")
                .put("trial", index)
                .put("grid_column", dot.gridColumn())
                .put("grid_row", dot.gridRow())
                .put("centre_x_px", dot.centreX())
                .put("centre_y_px", dot.centreY())
                .put("polarity", dot.polarity())
                .put("sigma_px", sigmaPx)
                .build();
    }
}
