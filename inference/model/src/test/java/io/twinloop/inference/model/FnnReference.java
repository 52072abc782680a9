package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.checkpoint.TorchCheckpoint;
import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * Test access to the fnn parity fixture ({@code fnn-parity/}) and the per-module references that
 * {@code src/test/python/make_part_references.py} made from it ({@code fnn-parts/}).
 */
public final class FnnReference {

    public static final int UNITS = 48;

    private FnnReference() {
    }

    public static Path resource(String name) {
        URL url = FnnReference.class.getResource("/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the fixture's perspective, modulation and readout parameters */
    public static StateDict scanParameters(NDManager manager) {
        return TorchCheckpoint.load(manager, resource("fnn-parity/params_scan.pt"));
    }

    /** @return all parameters of the fixture's network */
    public static StateDict allParameters(NDManager manager) {
        return TorchCheckpoint.load(manager, resource("fnn-parity/params_core.pt"),
                resource("fnn-parity/params_scan.pt"));
    }

    public static NpyArray npy(String name) {
        try {
            return Npy.read(resource(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a float32 .npy file as an array of its shape */
    public static NDArray array(NDManager manager, String name) {
        NpyArray npy = npy(name);
        return manager.create(npy.asFloats(), new Shape(npy.shape()));
    }

    /** @return max |a - b| over all elements; shapes must match */
    public static double maxAbsDiff(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new AssertionError("shape " + a.getShape() + " != " + b.getShape());
        }
        return a.sub(b).abs().max().getFloat();
    }
}
