package io.twinloop.inference.checkpoint;

import io.twinloop.inference.model.CheckpointException;

import java.nio.file.Path;

/**
 * How many bytes one checkpoint load may allocate (its pickle, its storages, the tensors copied out of them),
 * taken before each allocation: a file that declares more is refused with one line instead of exhausting the
 * heap. Only the loading thread uses it.
 */
final class LoadBudget {

    /** Half the heap, at most 16 GiB: a model's tensors are read once as storages and once as copies. */
    static final long DEFAULT_BYTES = Math.min(Runtime.getRuntime().maxMemory() / 2, 16L << 30);

    private final Path file;
    private final long limit;
    private long used;

    LoadBudget(Path file, long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("memory budget " + limit + " bytes");
        }
        this.file = file;
        this.limit = limit;
    }

    /**
     * @param what names what needs the bytes, for the error
     * @throws CheckpointException when {@code bytes} would pass the budget
     */
    void take(long bytes, String what) {
        if (bytes < 0 || bytes > limit - used) {
            throw new CheckpointException(file + ": " + what + " needs " + bytes + " bytes, beyond this load's memory"
                    + " budget of " + limit + " bytes (" + used + " taken)");
        }
        used += bytes;
    }
}
