package io.twinloop.stream.validate;

import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.stream.deadletter.Reason;
import io.twinloop.stream.deadletter.Rejection;
import java.util.Optional;

/** A frame's header must describe its own pixels; the session's declared size is checked later. */
public final class FrameValidator implements Validator<StimulusFrame> {
    @Override
    public Optional<Rejection> check(StimulusFrame frame) {
        if (frame.getFrameIndex() < 0) {
            return invalid("negative frame index " + frame.getFrameIndex());
        }
        if (frame.getWidth() <= 0 || frame.getHeight() <= 0) {
            return invalid("frame size " + frame.getWidth() + "x" + frame.getHeight());
        }
        int bytesPerPixel = switch (frame.getPixelFormat()) {
            case GRAY8 -> 1;
            case GRAY_F32 -> 4;
            default -> 0;
        };
        if (bytesPerPixel == 0) {
            return invalid("pixel format " + frame.getPixelFormatValue() + " is not GRAY8 or GRAY_F32");
        }
        long expected = (long) frame.getWidth() * frame.getHeight() * bytesPerPixel;
        if (frame.getPixels().size() != expected) {
            return Optional.of(Rejection.of(Reason.WRONG_FRAME_SIZE, "frame " + frame.getFrameIndex() + ": "
                    + frame.getPixels().size() + " pixel bytes, expected " + frame.getWidth() + "x"
                    + frame.getHeight() + "x" + bytesPerPixel + " = " + expected));
        }
        return Optional.empty();
    }

    private static Optional<Rejection> invalid(String detail) {
        return Optional.of(Rejection.of(Reason.INVALID_FRAME, detail));
    }
}
