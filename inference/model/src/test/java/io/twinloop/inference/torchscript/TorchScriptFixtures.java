package io.twinloop.inference.torchscript;

import io.twinloop.recordings.npy.Npy;
import io.twinloop.recordings.npy.NpyArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The exporters' fixtures under {@code src/test/resources/torchscript} (README there names the scripts). */
final class TorchScriptFixtures {

    private TorchScriptFixtures() {
    }

    static Path dir() {
        try {
            return Path.of(TorchScriptFixtures.class.getResource("/torchscript").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path module(String name) {
        return dir().resolve(name + ".pt");
    }

    static Path broken(String name) {
        return dir().resolve("broken").resolve(name + ".pt");
    }

    /** @param part stimuli, perspectives, modulations or responses */
    static NpyArray array(String name, String part) {
        try {
            return Npy.read(dir().resolve(name + "-" + part + ".npy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
