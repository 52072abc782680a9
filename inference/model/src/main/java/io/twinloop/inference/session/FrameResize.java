package io.twinloop.inference.session;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.twinloop.inference.model.Twin;

/**
 * Brings rig frames to the size a twin takes: bilinear, {@code align_corners = false}, antialiased, i.e.
 * torch's {@code F.interpolate(x, size, mode="bilinear", align_corners=False, antialias=True)}, which is what
 * torchvision's and PIL's resize do. Shrinking a 144 x 256 frame to 36 x 64 thus averages every pixel instead of
 * sampling a few. Twins trained in PyTorch should be trained on frames resized the same way (docs/twins.md).
 */
public final class FrameResize {

    /** DJL's code for bilinear in {@code JniUtils.interpolate}, which passes antialias = true to torch. */
    private static final int BILINEAR = 2;

    private FrameResize() {
    }

    /**
     * @param frames [N, 1, h, w]
     * @param size   H x W
     * @return [N, 1, H, W]: {@code frames} itself when it already has that size
     */
    public static NDArray bilinear(NDArray frames, Twin.FrameSize size) {
        if (frames.getShape().get(2) == size.height() && frames.getShape().get(3) == size.width()) {
            return frames;
        }
        return JniUtils.interpolate((PtNDArray) frames, new long[] {size.height(), size.width()}, BILINEAR, false);
    }
}
