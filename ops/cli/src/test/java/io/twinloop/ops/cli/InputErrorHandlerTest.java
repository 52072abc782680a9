package io.twinloop.ops.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputErrorHandlerTest {

    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Option(names = "--fail")
        String fail = "";

        @Override
        public Integer call() throws Exception {
            switch (fail) {
                case "argument" -> throw new IllegalArgumentException("--amounts 0: use at least one trial");
                case "file" -> throw new IOException("DIR: not a recording", new IOException("no data/responses/"));
                case "bug" -> throw new IllegalStateException("an invariant broke");
                default -> {
                    return 0;
                }
            }
        }
    }

    private static String[] run(String fail) {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Probe()).setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler(new InputErrorHandler()).execute("--fail", fail);
        return new String[] {String.valueOf(code), err.toString()};
    }

    @Test
    void aRefusedInputIsOneLineNamingTheCommand() {
        String[] argument = run("argument");
        assertEquals(String.valueOf(InputErrorHandler.REFUSED), argument[0]);
        assertEquals("probe: --amounts 0: use at least one trial", argument[1].strip());

        String[] file = run("file");
        assertEquals("probe: DIR: not a recording (no data/responses/)", file[1].strip());
        assertFalse(file[1].contains("\tat "), "no stack trace");
    }

    @Test
    void aBugKeepsItsStackTrace() {
        String[] bug = run("bug");
        assertEquals("1", bug[0]);
        assertTrue(bug[1].contains("IllegalStateException") && bug[1].contains("\tat "), bug[1]);
    }
}
