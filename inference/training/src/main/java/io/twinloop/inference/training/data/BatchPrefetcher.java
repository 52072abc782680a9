package io.twinloop.inference.training.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads the next planned batch from disk on a background thread while the current one trains, so
 * that at most two batches are in memory.
 */
public final class BatchPrefetcher implements Iterator<ClipBatch>, AutoCloseable {

    private final ClipSampler sampler;
    private final Iterator<List<ClipRequest>> plan;
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "clip-reader");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<ClipBatch> next;

    public BatchPrefetcher(ClipSampler sampler, List<List<ClipRequest>> plan) {
        this.sampler = sampler;
        this.plan = plan.iterator();
        this.next = submitNext();
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public ClipBatch next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        ClipBatch batch;
        try {
            batch = next.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading clips", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException io) {
                throw io;
            }
            throw new IllegalStateException("reading clips failed", cause);
        }
        next = submitNext();
        return batch;
    }

    private CompletableFuture<ClipBatch> submitNext() {
        if (!plan.hasNext()) {
            return null;
        }
        List<ClipRequest> requests = plan.next();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return sampler.load(requests);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, reader);
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
