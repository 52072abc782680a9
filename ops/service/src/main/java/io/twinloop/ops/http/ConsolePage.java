package io.twinloop.ops.http;

import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The console's static page ({@code console.html} beside this class: no build step) and its query parameters. */
final class ConsolePage {

    static final String HTML = load();

    private ConsolePage() {
    }

    private static String load() {
        try (InputStream in = ConsolePage.class.getResourceAsStream("console.html")) {
            if (in == null) {
                throw new IllegalStateException("console.html missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the first value of a query parameter, or null */
    static String parameter(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    /** @return the unit to trace ({@code unit}, default 0; a value that is not a number reads as -1: refused) */
    static int unit(QueryStringDecoder query) {
        String value = parameter(query, "unit");
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
