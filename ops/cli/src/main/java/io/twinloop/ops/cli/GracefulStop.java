package io.twinloop.ops.cli;

import io.twinloop.inference.training.TrainingStoppedException;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Ctrl-C or SIGTERM for a command that trains: the JVM's exit runs libtorch's static destructors, and a thread
 * still inside libtorch (a backward pass) then crashes the process with a JVM crash report. So the shutdown hook
 * installed here only raises {@link #requested()}, which the training checks between batches, and holds the exit
 * until the command has left libtorch ({@link #close()}), or until {@code patience} has passed.
 *
 * <pre>{@code
 * return GracefulStop.run("train", stopRequested -> trainer.stopWhen(stopRequested).run(epochs),
 *         "the checkpoint directory resumes it");
 * }</pre>
 */
final class GracefulStop implements AutoCloseable {

    /** exit status of a command stopped this way (128 + SIGINT, as a shell reports Ctrl-C) */
    static final int STOPPED = 130;
    /** how long the exit waits for the work to reach the end of a batch (a batch takes seconds on a CPU) */
    static final Duration PATIENCE = Duration.ofMinutes(2);

    /** The work of a command, told when to stop. */
    @FunctionalInterface
    interface Work {
        void run(BooleanSupplier stopRequested) throws IOException;
    }

    private final CountDownLatch finished = new CountDownLatch(1);
    private final PrintStream err;
    private final Thread hook;
    private volatile boolean requested;

    private GracefulStop(String command, Duration patience, PrintStream err) {
        this.err = err;
        this.hook = new Thread(() -> {
            requested = true;
            err.printf("%n%s: stopping after the current batch (waiting up to %d s)%n", command,
                    patience.toSeconds());
            try {
                if (!finished.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                    err.printf("%s: did not stop within %d s; exiting anyway%n", command, patience.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, command + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Installs the hook; {@link #close()} it when the work that uses libtorch is done or has stopped. */
    static GracefulStop install(String command) {
        return new GracefulStop(command, PATIENCE, System.err);
    }

    /**
     * Runs {@code work} under the hook.
     *
     * @param resumes what the user has after a stop and how to go on, printed after where it stopped
     * @return 0, or {@link #STOPPED} when the work stopped on request (with one line saying so)
     */
    static int run(String command, Work work, String resumes) throws IOException {
        try (GracefulStop stop = install(command)) {
            try {
                work.run(stop::requested);
            } catch (TrainingStoppedException e) {
                // printed before the hook is released: the JVM exits as soon as it is
                stop.err.println(command + ": " + e.getMessage() + "; " + resumes);
                return STOPPED;
            }
        }
        return 0;
    }

    /** @return whether the JVM is shutting down (Ctrl-C, SIGTERM) and the work should stop */
    boolean requested() {
        return requested;
    }

    /** The work has left libtorch: a pending exit may go on; without one, the hook is removed. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that the latch is open
        }
    }
}
