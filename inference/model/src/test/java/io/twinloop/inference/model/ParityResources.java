package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reads a parity case written by {@code src/test/python/make_parity.py}: parameters as one float32
 * blob plus an index ({@code params.f32.npy}, {@code params.index}), inputs and outputs as .npy.
 */
public final class ParityResources {

    private final String caseName;
    private final Path dir;
    private final NDManager manager;

    public ParityResources(String caseName, NDManager manager) {
        this.caseName = caseName;
        try {
            this.dir = Path.of(ParityResources.class.getResource("/" + caseName).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        this.manager = manager;
    }

    /** @return the case's parameters keyed as in fnn's state_dict */
    public Map<String, NDArray> params() {
        float[] blob = read("params.f32").asFloats();
        Map<String, NDArray> out = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(dir.resolve("params.index"));
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(" ");
                int offset = Integer.parseInt(parts[1]);
                long[] dims = parts.length < 3 ? new long[0]
                        : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).toArray();
                Shape shape = new Shape(dims);
                float[] values = Arrays.copyOfRange(blob, offset, offset + (int) shape.size());
                out.put(parts[0], manager.create(values, shape));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** @return the named .npy as a float32 NDArray */
    public NDArray array(String name) {
        NpyArray a = read(name);
        return manager.create(a.asFloats(), new Shape(a.shape()));
    }

    private NpyArray read(String name) {
        try {
            return Npy.read(dir.resolve(name + ".npy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return caseName;
    }

    /** Asserts equal shapes and max |expected - actual| &lt;= tol; returns the max error. */
    public static double assertClose(NDArray expected, NDArray actual, double tol, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        double err = expected.sub(actual).abs().max().getFloat();
        double scale = expected.abs().max().getFloat();
        if (!(err <= tol)) {
            throw new AssertionError(what + ": max abs error " + err + " > " + tol + " (max |expected| " + scale + ")");
        }
        return err;
    }
}
