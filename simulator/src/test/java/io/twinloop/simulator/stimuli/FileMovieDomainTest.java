package io.twinloop.simulator.stimuli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMovieDomainTest {
    private static final FrameGeometry G = FrameGeometry.STANDARD;

    @Test
    void aSensoriumLayoutMovieIsResizedAndLooped(@TempDir Path dir) throws Exception {
        // 36 x 64 x 3 (height, width, time): frame t has left half 0.25 * t, right half 1.0.
        int h = 36, w = 64, t = 3;
        byte[] values = new byte[h * w * t];
        for (int row = 0; row < h; row++) {
            for (int col = 0; col < w; col++) {
                for (int k = 0; k < t; k++) {
                    values[(row * w + col) * t + k] = (byte) (col < w / 2 ? Math.round(0.25f * k * 255) : 255);
                }
            }
        }
        Path file = dir.resolve("movie.npy");
        Npy.write(file, NpyArray.ofBytes(values, h, w, t));
        FileMovieDomain domain = FileMovieDomain.fromNpy(file, FileMovieDomain.Layout.HEIGHT_WIDTH_TIME, G);
        assertEquals(3, domain.length());
        for (int k = 0; k < 4; k++) {
            float[] frame = domain.render(k);
            assertEquals(0.25 * (k % 3), frame[70 * G.width() + 10], 0.01, "left half of frame " + k);
            assertEquals(1.0, frame[70 * G.width() + 250], 0.01, "right half of frame " + k);
        }
    }

    @Test
    void imagesAreHeldForTheirFrames(@TempDir Path dir) throws Exception {
        BufferedImage white = new BufferedImage(32, 18, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 32; x++) {
            for (int y = 0; y < 18; y++) {
                white.setRGB(x, y, 0xFFFFFF);
            }
        }
        BufferedImage black = new BufferedImage(32, 18, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(white, "png", dir.resolve("w.png").toFile());
        ImageIO.write(black, "png", dir.resolve("b.png").toFile());
        FileMovieDomain domain = FileMovieDomain.fromImages(List.of(dir.resolve("w.png"), dir.resolve("b.png")), 2, G);
        assertEquals(1.0, domain.render(1)[500], 1e-6);
        assertEquals(0.0, domain.render(2)[500], 1e-6);
        assertEquals(1.0, domain.render(4)[500], 1e-6);
    }
}
