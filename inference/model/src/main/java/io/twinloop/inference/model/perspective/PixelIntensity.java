package io.twinloop.inference.model.perspective;

import ai.djl.ndarray.NDArray;

/** A pointwise transform of pixel intensity (fnn's {@code Pixel}): monitor luminance, retinal response. */
public interface PixelIntensity {

    /**
     * @param pixels [N, C, H, W]
     * @return [N, C, H, W]
     */
    NDArray apply(NDArray pixels);
}
