package io.twinloop.simulator.stimuli;

/** Paints a window of a periodic texture onto a frame at a given offset and contrast. */
final class TextureView {
    private TextureView() {
    }

    /**
     * out[row, col] = gray + contrast * texture(col + offsetX, row + offsetY), clipped. An integer
     * offset reads pixels directly; a fractional one interpolates.
     */
    static void paint(PeriodicTexture texture, double offsetX, double offsetY, double contrast,
                      FrameGeometry geometry, float[] out) {
        int width = geometry.width();
        boolean whole = offsetX == Math.rint(offsetX) && offsetY == Math.rint(offsetY);
        for (int row = 0; row < geometry.height(); row++) {
            for (int col = 0; col < width; col++) {
                float value = whole
                        ? texture.at(col + (int) offsetX, row + (int) offsetY)
                        : texture.sample(col + offsetX, row + offsetY);
                out[row * width + col] = Luminance.clip(Luminance.GRAY + contrast * value);
            }
        }
    }

    /** The smallest power of two that covers the frame's larger side: the texture wraps beyond it. */
    static int textureSizeFor(FrameGeometry geometry) {
        return Integer.highestOneBit(Math.max(geometry.width(), geometry.height()) * 2 - 1);
    }
}
