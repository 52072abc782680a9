package io.twinloop.ops.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident memory (Linux {@code VmHWM}): the Java heap and libtorch's native
 * allocations together, which the JVM's own figures leave out.
 */
public final class PeakMemory {

    private PeakMemory() {
    }

    /** @return peak resident set size in MiB, or -1 where /proc is not available */
    public static long residentMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
