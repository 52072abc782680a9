package io.twinloop.inference.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test resources: the fnn-parity fixture and the references made by checkpoint_references.py. */
final class TestFiles {

    static final Path CORE = resource("/fnn-parity/params_core.pt");
    static final Path SCAN = resource("/fnn-parity/params_scan.pt");
    static final Path LAYOUTS = resource("/checkpoint/layouts.pt");
    static final Path LEGACY = resource("/checkpoint/legacy.pt");

    private TestFiles() {
    }

    static Path resource(String name) {
        URL url = TestFiles.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String name) {
        try {
            return new ObjectMapper().readTree(resource(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
