package io.twinloop.simulator.stimuli;

import java.util.SplittableRandom;

/**
 * Static natural-like images: a fresh 1/f noise image held for 0.5 s, then a gray gap of 0.5 s.
 * Procedural stand-ins for the paper's static natural images, with the same amplitude spectrum.
 */
public final class NaturalImageDomain implements StimulusDomain {
    /** RMS contrast of the images, in luminance units. */
    static final double RMS_CONTRAST = 0.18;
    private static final long STREAM = 0x1AA6E;

    private final FrameGeometry geometry;
    private final long seed;
    private final int imageFrames;
    private final int gapFrames;
    private final TrialCache<Image> images;

    public NaturalImageDomain(FrameGeometry geometry, long seed) {
        this(geometry, seed, 0.5, 0.5);
    }

    public NaturalImageDomain(FrameGeometry geometry, long seed, double imageSeconds, double gapSeconds) {
        this.geometry = geometry;
        this.seed = seed;
        this.imageFrames = geometry.framesFor(imageSeconds);
        this.gapFrames = gapSeconds <= 0 ? 0 : geometry.framesFor(gapSeconds);
        this.images = new TrialCache<>(this::drawImage);
    }

    private record Image(PeriodicTexture texture, int offsetX, int offsetY) {
    }

    @Override
    public String name() {
        return "natural-images";
    }

    @Override
    public FrameGeometry geometry() {
        return geometry;
    }

    private Image drawImage(long index) {
        SplittableRandom random = TrialRandom.of(seed, STREAM, index);
        int size = TextureView.textureSizeFor(geometry);
        return new Image(PinkNoise.isotropic(size, random), random.nextInt(size), random.nextInt(size));
    }

    private boolean showsImage(long frameIndex) {
        return frameIndex % (imageFrames + gapFrames) < imageFrames;
    }

    @Override
    public void render(long frameIndex, float[] out) {
        if (!showsImage(frameIndex)) {
            Luminance.fillGray(out);
            return;
        }
        Image image = images.get(frameIndex / (imageFrames + gapFrames));
        TextureView.paint(image.texture(), image.offsetX(), image.offsetY(), RMS_CONTRAST, geometry, out);
    }

    @Override
    public FrameDescription describe(long frameIndex) {
        long index = frameIndex / (imageFrames + gapFrames);
        if (!showsImage(frameIndex)) {
            return FrameDescription.blank(index);
        }
        return FrameDescription.builder("image")
                .put("trial", index)
                .put("image", index)
                .put("rms_contrast", RMS_CONTRAST)
                .put("spectral_slope", -1)
                .build();
    }
}
