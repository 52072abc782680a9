package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;

/**
 * Where a convolutional LSTM keeps its past: {@code <path>.h} and {@code <path>.c}, each
 * {@code [N, S*Hd, H, W]}. A fresh state reads as zeros, which gives exactly fnn's first frame after
 * reset() (fnn broadcasts a [1, S*Hd, 1, 1] zero; every use of it is linear or zero-padded).
 */
final class LstmState {

    private final String hKey;
    private final String cKey;
    private final int hiddenChannels;

    LstmState(String path, int hiddenChannels) {
        this.hKey = path + ".h";
        this.cKey = path + ".c";
        this.hiddenChannels = hiddenChannels;
    }

    /**
     * @param like    the frame's input [N, *, H, W], for batch and spatial size
     * @param streams streams in this call (S, or 1 for one stream)
     * @return h
     */
    NDArray h(NetworkState state, NDArray like, int streams) {
        NDArray h = state.get(hKey, like.getManager());
        return h != null ? h : zeros(like, streams);
    }

    /** @return c, as {@link #h} */
    NDArray c(NetworkState state, NDArray like, int streams) {
        NDArray c = state.get(cKey, like.getManager());
        return c != null ? c : zeros(like, streams);
    }

    void put(NetworkState state, LstmGates.Step step) {
        state.put(hKey, step.h());
        state.put(cKey, step.c());
    }

    private NDArray zeros(NDArray like, int streams) {
        Shape s = like.getShape();
        return like.getManager().zeros(new Shape(s.get(0), (long) streams * hiddenChannels, s.get(2), s.get(3)));
    }
}
