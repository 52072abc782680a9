package io.twinloop.simulator.mouse;

import java.util.Arrays;

/**
 * What the receptive fields see: the frame as contrast around mean gray, box-averaged to the filter grid and
 * translated by the eye's position (retinal shift), screen outside the frame counting as mean gray.
 */
public final class RetinalImage {

    private final int screenHeight;
    private final int screenWidth;
    private final int factor;
    private final int height;
    private final int width;
    private final float[] boxed;
    private final float[] shifted;

    public RetinalImage(MouseConfig config) {
        this.screenHeight = config.screenHeight();
        this.screenWidth = config.screenWidth();
        this.factor = config.filterDownsample();
        this.height = config.retinaHeight();
        this.width = config.retinaWidth();
        this.boxed = new float[height * width];
        this.shifted = new float[height * width];
    }

    /**
     * @param gray8        frame, row-major, one unsigned byte per pixel
     * @param screenShiftX how far the gaze has moved on the screen, screen pixels (positive: right)
     * @param screenShiftY positive: down
     * @return contrast in [-0.5, 0.5] on the filter grid, row-major; reused by the next call
     */
    public float[] see(byte[] gray8, double screenShiftX, double screenShiftY) {
        if (gray8.length != screenHeight * screenWidth) {
            throw new IllegalArgumentException("frame has " + gray8.length + " pixels, expected "
                    + screenHeight + " x " + screenWidth);
        }
        boxAverage(gray8);
        translate(screenShiftX / factor, screenShiftY / factor);
        return shifted;
    }

    private void boxAverage(byte[] gray8) {
        float scale = 1f / (255f * factor * factor);
        Arrays.fill(boxed, 0f);
        for (int y = 0; y < screenHeight; y++) {
            int row = (y / factor) * width;
            int offset = y * screenWidth;
            for (int x = 0; x < screenWidth; x++) {
                boxed[row + x / factor] += gray8[offset + x] & 0xff;
            }
        }
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = boxed[i] * scale - 0.5f;
        }
    }

    /** Samples the boxed image at (x + dx, y + dy), bilinearly: the retina looks where the gaze points. */
    private void translate(double dx, double dy) {
        if (dx == 0 && dy == 0) {
            System.arraycopy(boxed, 0, shifted, 0, boxed.length);
            return;
        }
        for (int y = 0; y < height; y++) {
            double sy = y + dy;
            int y0 = (int) Math.floor(sy);
            float fy = (float) (sy - y0);
            for (int x = 0; x < width; x++) {
                double sx = x + dx;
                int x0 = (int) Math.floor(sx);
                float fx = (float) (sx - x0);
                float top = (1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0);
                float bottom = (1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1);
                shifted[y * width + x] = (1 - fy) * top + fy * bottom;
            }
        }
    }

    private float at(int x, int y) {
        return x < 0 || y < 0 || x >= width || y >= height ? 0f : boxed[y * width + x];
    }
}
