package io.twinloop.ops.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.inference.model.Twin;
import io.twinloop.ops.closedloop.mei.GradientMei;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code twinloop mei-gradient}: most exciting inputs by gradient ascent through a loaded twin. */
@Command(name = "mei-gradient", mixinStandardHelpOptions = true,
        description = "Most exciting images or videos for chosen units by gradient ascent through a twin (fnn's .pt"
                + " files, a .twinloop checkpoint, or a differentiable TorchScript twin), at a fixed mean luminance"
                + " and RMS contrast, with the gradient blurred for smoothness. Writes mei.npy (float32 [N, D, H, W]),"
                + " mei-<i>-unit<u>.png (first frame) and prints one JSON line.")
public final class GradientMeiCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--unit", split = ",", required = true, paramLabel = "U",
            description = "units to drive, one MEI each; repeat a unit for several distinct MEIs of it")
    int[] units;

    @Option(names = "--kind", defaultValue = "IMAGE", description = "IMAGE (one frame shown T times) or VIDEO")
    GradientMei.Kind kind;

    @Option(names = "--frames", defaultValue = "20", description = "frames per presentation (default: ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--burn-in", defaultValue = "10",
            description = "frames before the objective's window (default: ${DEFAULT-VALUE})")
    int burnIn;

    @Option(names = "--steps", defaultValue = "50", description = "gradient iterations (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--step-size", defaultValue = "0.5", description = "(default: ${DEFAULT-VALUE})")
    double stepSize;

    @Option(names = "--luminance", defaultValue = "0.45",
            description = "mean luminance in [0, 1] (default: ${DEFAULT-VALUE})")
    double luminance;

    @Option(names = "--contrast", defaultValue = "0.2",
            description = "RMS contrast, that of the natural clips the twin saw (default: ${DEFAULT-VALUE})")
    double contrast;

    @Option(names = "--blur", defaultValue = "2", description = "Gaussian blur of the gradient, pixels (default: ${DEFAULT-VALUE})")
    double blur;

    @Option(names = "--height", defaultValue = "144", description = "frame height for fnn (default: ${DEFAULT-VALUE})")
    int height;

    @Option(names = "--width", defaultValue = "256", description = "frame width for fnn (default: ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--pupil", split = ",", defaultValue = "0,0",
            description = "standardised pupil centre x,y shown with the stimulus (default: ${DEFAULT-VALUE})")
    float[] pupil;

    @Option(names = "--modulation", split = ",", defaultValue = "0,0",
            description = "standardised pupil radius, treadmill velocity (default: ${DEFAULT-VALUE})")
    float[] modulation;

    @Option(names = "--mei-seed", defaultValue = "1", description = "random starts (default: ${DEFAULT-VALUE})")
    long meiSeed;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Override
    public Integer call() throws IOException {
        model.configureThreads(0);
        GradientMei.Settings settings = new GradientMei.Settings(kind, frames, burnIn, steps, stepSize, luminance,
                contrast, blur, height, width, pupil, modulation, meiSeed);
        Files.createDirectories(out);
        try (NDManager manager = NDManager.newBaseManager()) {
            Twin twin = model.createTwin(manager, "mei-gradient", units.length);
            try {
                List<GradientMei.Result> results = GradientMei.optimise(twin, units, settings);
                write(results);
            } finally {
                if (twin instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return 0;
    }

    private void write(List<GradientMei.Result> results) throws IOException {
        GradientMei.Result first = results.get(0);
        int depth = first.stimulus().length;
        int area = first.height() * first.width();
        float[] all = new float[results.size() * depth * area];
        ObjectMapper json = new ObjectMapper();
        ObjectNode summary = json.createObjectNode();
        summary.put("kind", kind.name());
        summary.put("frames", frames);
        summary.put("burn_in", burnIn);
        summary.put("steps", steps);
        ArrayNode rows = summary.putArray("meis");
        for (int i = 0; i < results.size(); i++) {
            GradientMei.Result r = results.get(i);
            for (int d = 0; d < depth; d++) {
                System.arraycopy(r.stimulus()[d], 0, all, (i * depth + d) * area, area);
            }
            Path png = out.resolve(String.format(Locale.ROOT, "mei-%d-unit%d.png", i, r.unit()));
            ImageIO.write(gray(r.stimulus()[0], r.height(), r.width()), "png", png.toFile());
            ObjectNode row = rows.addObject();
            row.put("unit", r.unit());
            row.put("response", r.response());
            row.put("random_start", r.start());
            row.put("rms_contrast", r.contrast());
            row.put("picture", png.getFileName().toString());
            System.err.printf(Locale.ROOT, "mei %d: unit %d, response %.4f (random start %.4f), RMS contrast %.3f%n",
                    i, r.unit(), r.response(), r.start(), r.contrast());
        }
        Npy.write(out.resolve("mei.npy"), NpyArray.ofFloats(all, results.size(), depth, first.height(),
                first.width()));
        System.out.println(summary);
    }

    private static BufferedImage gray(float[] luminance, int height, int width) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < height; i++) {
            for (int j = 0; j < width; j++) {
                int v = Math.round(Math.max(0, Math.min(1, luminance[i * width + j])) * 255);
                image.getRaster().setSample(j, i, 0, v);
            }
        }
        return image;
    }
}
