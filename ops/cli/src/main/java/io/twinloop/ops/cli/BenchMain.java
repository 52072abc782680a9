package io.twinloop.ops.cli;

import picocli.CommandLine;

/**
 * {@code bench} on its own, for machines that get a trimmed classpath (the model, DJL, picocli, Jackson; no
 * Kafka): the GPU kit of {@code tools/gpu/} runs it where the whole service's jars would not fit.
 */
public final class BenchMain {

    private BenchMain() {
    }

    /** @param args {@code bench}'s options */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }
}
