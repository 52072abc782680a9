package io.twinloop.simulator.stimuli;

import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Frames a user supplies: a {@code .npy} movie or a list of image files, resized (bilinear) to the
 * frame geometry and looped. Real natural movies for a session, in place of the procedural ones.
 */
public final class FileMovieDomain implements StimulusDomain {
    /** Axis order of a 3-D {@code .npy} movie: fnn stores [time, height, width], Sensorium [height, width, time]. */
    public enum Layout { TIME_HEIGHT_WIDTH, HEIGHT_WIDTH_TIME }

    private final String name;
    private final FrameGeometry geometry;
    private final List<float[]> frames;

    private FileMovieDomain(String name, FrameGeometry geometry, List<float[]> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException(name + " has no frames");
        }
        this.name = name;
        this.geometry = geometry;
        this.frames = List.copyOf(frames);
    }

    /**
     * A 3-D movie; uint8 values are scaled by 1/255, floats taken as luminance in [0, 1] (values
     * above 1.5 anywhere mean a 0..255 float movie and are scaled too).
     */
    public static FileMovieDomain fromNpy(Path path, Layout layout, FrameGeometry geometry) throws IOException {
        NpyArray array = Npy.read(path);
        int[] shape = array.intShape();
        if (shape.length != 3) {
            throw new IOException(path + ": expected a 3-D movie, got shape " + java.util.Arrays.toString(shape));
        }
        boolean timeFirst = layout == Layout.TIME_HEIGHT_WIDTH;
        int time = timeFirst ? shape[0] : shape[2];
        int height = timeFirst ? shape[1] : shape[0];
        int width = timeFirst ? shape[2] : shape[1];
        double[] values = array.asDoubles();
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        double scale = array.dtype().contains("u1") || max > 1.5 ? 1 / 255.0 : 1;
        List<float[]> frames = new ArrayList<>(time);
        float[] source = new float[height * width];
        for (int t = 0; t < time; t++) {
            for (int row = 0; row < height; row++) {
                for (int col = 0; col < width; col++) {
                    long index = timeFirst
                            ? ((long) t * height + row) * width + col
                            : ((long) row * width + col) * time + t;
                    source[row * width + col] = (float) (values[(int) index] * scale);
                }
            }
            frames.add(resize(source, width, height, geometry));
        }
        return new FileMovieDomain("file:" + path.getFileName(), geometry, frames);
    }

    /** Still images (anything {@link ImageIO} reads), converted to luminance, each held {@code holdFrames}. */
    public static FileMovieDomain fromImages(List<Path> images, int holdFrames, FrameGeometry geometry) throws IOException {
        List<float[]> frames = new ArrayList<>();
        for (Path path : images) {
            BufferedImage image = ImageIO.read(path.toFile());
            if (image == null) {
                throw new IOException(path + ": not an image ImageIO can read");
            }
            float[] resized = resize(luminance(image), image.getWidth(), image.getHeight(), geometry);
            for (int i = 0; i < holdFrames; i++) {
                frames.add(resized);
            }
        }
        return new FileMovieDomain("images", geometry, frames);
    }

    private static float[] luminance(BufferedImage image) {
        int width = image.getWidth();
        float[] out = new float[width * image.getHeight()];
        for (int row = 0; row < image.getHeight(); row++) {
            for (int col = 0; col < width; col++) {
                int rgb = image.getRGB(col, row);
                // Rec. 601 luma, the usual gray conversion.
                out[row * width + col] = (0.299f * ((rgb >> 16) & 0xFF) + 0.587f * ((rgb >> 8) & 0xFF)
                        + 0.114f * (rgb & 0xFF)) / 255f;
            }
        }
        return out;
    }

    /** Bilinear resize with pixel centres aligned, from [height, width] to the geometry. */
    static float[] resize(float[] source, int width, int height, FrameGeometry geometry) {
        float[] out = new float[geometry.pixels()];
        double sx = (double) width / geometry.width();
        double sy = (double) height / geometry.height();
        for (int row = 0; row < geometry.height(); row++) {
            double y = Math.min(Math.max((row + 0.5) * sy - 0.5, 0), height - 1);
            int y0 = (int) y;
            int y1 = Math.min(y0 + 1, height - 1);
            double ay = y - y0;
            for (int col = 0; col < geometry.width(); col++) {
                double x = Math.min(Math.max((col + 0.5) * sx - 0.5, 0), width - 1);
                int x0 = (int) x;
                int x1 = Math.min(x0 + 1, width - 1);
                double ax = x - x0;
                double top = source[y0 * width + x0] + ax * (source[y0 * width + x1] - source[y0 * width + x0]);
                double bottom = source[y1 * width + x0] + ax * (source[y1 * width + x1] - source[y1 * width + x0]);
                out[row * geometry.width() + col] = Luminance.clip(top + ay * (bottom - top));
            }
        }
        return out;
    }

    public int length() {
        return frames.size();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public FrameGeometry geometry() {
        return geometry;
    }

    @Override
    public void render(long frameIndex, float[] out) {
        System.arraycopy(frames.get((int) (frameIndex % frames.size())), 0, out, 0, out.length);
    }

    @Override
    public FrameDescription describe(long frameIndex) {
        return FrameDescription.builder("file")
                .put("trial", frameIndex / frames.size())
                .put("source_frame", frameIndex % frames.size())
                .build();
    }
}
