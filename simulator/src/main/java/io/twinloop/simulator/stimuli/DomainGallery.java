package io.twinloop.simulator.stimuli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes one PNG per domain: a strip of three frames chosen to show its motion and its trials.
 * Usage: {@code DomainGallery <output-dir> [seed]}.
 */
public final class DomainGallery {
    private static final int GAP_PX = 4;

    private DomainGallery() {
    }

    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args.length > 0 ? args[0] : "docs/stimuli");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 7;
        Files.createDirectories(directory);
        for (DomainKind kind : DomainKind.values()) {
            StimulusDomain domain = kind.create(seed);
            Path file = directory.resolve(domain.name() + ".png");
            ImageIO.write(strip(domain, framesToShow(kind)), "png", file.toFile());
            System.out.println(file + "  " + domain.describe(0));
        }
    }

    /**
     * Three frames that show what the domain does: 200 ms apart where things move within a trial,
     * and the next trial (or the gray gap) where a trial's frames are alike.
     */
    static long[] framesToShow(DomainKind kind) {
        return switch (kind) {
            case NATURAL_MOVIES -> new long[] {0, 6, 12};
            case NATURAL_IMAGES -> new long[] {0, 15, 30};
            case FLASHING_DOTS -> new long[] {0, 9, 18};
            case DRIFTING_GABORS, DIRECTIONAL_PINK_NOISE, RANDOM_DOT_KINEMATOGRAMS -> new long[] {0, 6, 30};
        };
    }

    /** The given frames side by side on a white background. */
    public static BufferedImage strip(StimulusDomain domain, long[] frameIndices) {
        FrameGeometry g = domain.geometry();
        int stripWidth = frameIndices.length * g.width() + (frameIndices.length - 1) * GAP_PX;
        BufferedImage image = new BufferedImage(stripWidth, g.height(), BufferedImage.TYPE_BYTE_GRAY);
        var raster = image.getRaster();
        for (int x = 0; x < stripWidth; x++) {
            for (int y = 0; y < g.height(); y++) {
                raster.setSample(x, y, 0, 255);
            }
        }
        for (int i = 0; i < frameIndices.length; i++) {
            float[] frame = domain.render(frameIndices[i]);
            int left = i * (g.width() + GAP_PX);
            for (int row = 0; row < g.height(); row++) {
                for (int col = 0; col < g.width(); col++) {
                    raster.setSample(left + col, row, 0, FramePixels.toGray8(frame[row * g.width() + col]));
                }
            }
        }
        return image;
    }
}
