package io.twinloop.inference.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns autograd off on this thread for a block, like torch's {@code no_grad}: optimiser updates
 * change parameters in place, which PyTorch forbids on leaves that require grad while grad mode is on.
 * Grad mode is per thread, and threads other than the one that started the engine begin with it on.
 */
public final class NoGrad implements AutoCloseable {

    private final boolean previous;

    public NoGrad() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
