package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A training checkpoint that resumes exactly, in twinloop's own small format: a directory holding
 * <ul>
 *   <li>{@code trainer.properties}: {@code format=twinloop-training/1}, {@code cycle} and
 *       {@code epoch} of the next epoch to run (its seed follows from them, as in fnn), and
 *       {@code frozen}, the comma-separated frozen module prefixes;</li>
 *   <li>{@code parameters/<fnn key>.npy}: every model parameter, float32 (frozen ones too, so the
 *       directory is a complete state dict);</li>
 *   <li>{@code momentum/<key>.npy}: the optimiser's state: SGD's momentum buffers by fnn key, or Adam's
 *       {@code <fnn key>@first}, {@code @second} and {@code @steps}.</li>
 * </ul>
 * A save writes a sibling {@code .partial} directory and then swaps it in, so a crash mid-save
 * leaves the previous checkpoint readable.
 *
 * @param next       position of the next epoch to run
 * @param frozen     module prefixes that were frozen
 * @param parameters parameter values by fnn key
 * @param momentum   momentum buffers by fnn key
 */
public record TrainingCheckpoint(SchedulePosition next, List<String> frozen, Map<String, NDArray> parameters,
                                 Map<String, NDArray> momentum) {

    static final String FORMAT = "twinloop-training/1";
    private static final String PROPERTIES = "trainer.properties";

    public static void save(Path directory, SchedulePosition next, List<String> frozen,
                            List<TrainableParameter> parameters, Map<String, NDArray> momentum) throws IOException {
        Path partial = directory.resolveSibling(directory.getFileName() + ".partial");
        deleteTree(partial);
        for (TrainableParameter p : parameters) {
            Npy.write(partial.resolve("parameters").resolve(p.name() + ".npy"), toNpy(p.value()));
        }
        Files.createDirectories(partial.resolve("momentum"));
        for (Map.Entry<String, NDArray> e : momentum.entrySet()) {
            Npy.write(partial.resolve("momentum").resolve(e.getKey() + ".npy"), toNpy(e.getValue()));
        }
        Properties properties = new Properties();
        properties.setProperty("format", FORMAT);
        properties.setProperty("cycle", Integer.toString(next.cycle()));
        properties.setProperty("epoch", Integer.toString(next.epoch()));
        properties.setProperty("frozen", String.join(",", frozen));
        try (Writer out = Files.newBufferedWriter(partial.resolve(PROPERTIES))) {
            properties.store(out, "twinloop training checkpoint");
        }
        Path old = directory.resolveSibling(directory.getFileName() + ".old");
        deleteTree(old);
        if (Files.exists(directory)) {
            Files.move(directory, old);
        }
        Files.move(partial, directory);
        deleteTree(old);
    }

    /** @throws IOException when the directory is not a checkpoint of this format */
    public static TrainingCheckpoint load(Path directory, NDManager manager) throws IOException {
        Properties properties = new Properties();
        Path file = directory.resolve(PROPERTIES);
        if (!Files.isRegularFile(file)) {
            throw new IOException(directory + ": not a training checkpoint (no " + PROPERTIES + ")");
        }
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        if (!FORMAT.equals(properties.getProperty("format"))) {
            throw new IOException(file + ": format " + properties.getProperty("format") + ", expected " + FORMAT);
        }
        SchedulePosition next = new SchedulePosition(Integer.parseInt(properties.getProperty("cycle")),
                Integer.parseInt(properties.getProperty("epoch")));
        String frozen = properties.getProperty("frozen", "");
        return new TrainingCheckpoint(next, frozen.isEmpty() ? List.of() : List.of(frozen.split(",")),
                readAll(directory.resolve("parameters"), manager),
                readAll(directory.resolve("momentum"), manager));
    }

    private static Map<String, NDArray> readAll(Path directory, NDManager manager) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        if (!Files.isDirectory(directory)) {
            throw new IOException(directory + ": missing");
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".npy")) {
                    NpyArray a = Npy.read(f);
                    out.put(name.substring(0, name.length() - 4), manager.create(a.asFloats(), new Shape(a.shape())));
                }
            }
        }
        return out;
    }

    private static NpyArray toNpy(NDArray array) {
        return NpyArray.ofFloats(array.toType(DataType.FLOAT32, false).toFloatArray(), array.getShape().getShape());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
