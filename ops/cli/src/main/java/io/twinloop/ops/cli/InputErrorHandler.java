package io.twinloop.ops.cli;

import io.twinloop.inference.model.CheckpointException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Prints a refused input (a bad argument, a missing or unreadable file, a corrupt checkpoint) as one line naming the
 * command and what to fix, and exits with status 2: those messages are written for the user, and a stack trace
 * would bury them. Anything else is a bug and keeps its stack trace (status 1).
 */
public final class InputErrorHandler implements IExecutionExceptionHandler {

    /** exit status of a command that refused its input */
    public static final int REFUSED = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        if (!isInputError(ex)) {
            ex.printStackTrace(command.getErr());
            return 1;
        }
        command.getErr().println(command.getCommandName() + ": " + message(ex));
        return REFUSED;
    }

    static boolean isInputError(Throwable ex) {
        return ex instanceof IllegalArgumentException || ex instanceof IOException
                || ex instanceof UncheckedIOException || ex instanceof CheckpointException;
    }

    /** The message, and its causes' where they add to it. */
    static String message(Throwable ex) {
        StringBuilder out = new StringBuilder(String.valueOf(ex.getMessage()));
        for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
            String more = cause.getMessage();
            if (more != null && !out.toString().contains(more)) {
                out.append(" (").append(more).append(')');
            }
        }
        return out.toString();
    }
}
