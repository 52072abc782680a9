package io.twinloop.inference.model.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.NetworkState;

/**
 * One recurrent feature map a recurrent keeps between frames (its hidden state h or LSTM cell c), at
 * {@code <key>} in the {@link NetworkState}, {@code [N, S*Hd, H, W]}.
 *
 * <p>A fresh state reads as zeros of the frame's size, which gives exactly fnn's first frame after
 * reset() (fnn broadcasts a [1, S*Hd, 1, 1] zero; every use of it is linear or zero-padded).
 */
final class HiddenState {

    private final String key;
    private final int channels;

    /**
     * @param key      state key, e.g. {@code core.recurrent.h}
     * @param channels Hd, channels per stream
     */
    HiddenState(String key, int channels) {
        this.key = key;
        this.channels = channels;
    }

    /**
     * @param like    the frame's input [N, *, H, W], for batch and spatial size and the frame's scope
     * @param streams streams in this call (S, or 1 for one stream)
     * @return the previous value, a view in the frame's scope, or zeros on the first frame
     * @throws IllegalStateException if the state was made for another stream selection or size
     */
    NDArray read(NetworkState state, NDArray like, int streams) {
        Shape s = like.getShape();
        Shape expected = new Shape(s.get(0), (long) streams * channels, s.get(2), s.get(3));
        NDArray value = state.get(key, like.getManager());
        if (value == null) {
            return like.getManager().zeros(expected);
        }
        if (!value.getShape().equals(expected)) {
            throw new IllegalStateException("state '" + key + "' is " + value.getShape() + ", this frame needs "
                    + expected + " (stepped with another stream selection, batch or size?)");
        }
        return value;
    }

    void write(NetworkState state, NDArray value) {
        state.put(key, value);
    }
}
