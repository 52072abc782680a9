package io.twinloop.stream.validate;

import io.twinloop.proto.Limits;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.stream.deadletter.Rejection;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Optional;

/**
 * A frame's header must describe its own pixels, within {@link Limits} (at least the models' minimum size, at
 * most the largest frame a record carries), its time must not be negative, and float pixels must be finite;
 * the session's declared size is checked later, by the session gate.
 */
public final class FrameValidator implements Validator<StimulusFrame> {
    @Override
    public Optional<Rejection> check(StimulusFrame frame) {
        if (frame.getFrameIndex() < 0) {
            return invalid("negative frame index " + frame.getFrameIndex());
        }
        if (frame.getTimestampUs() < 0) {
            return invalid("frame " + frame.getFrameIndex() + ": negative timestamp " + frame.getTimestampUs() + " us");
        }
        if (frame.getWidth() <= 0 || frame.getHeight() <= 0) {
            return invalid("frame size " + frame.getWidth() + "x" + frame.getHeight());
        }
        String tooLarge = Limits.frameSizeProblem(frame.getHeight(), frame.getWidth(), 1);
        if (tooLarge == null && frame.getPixelFormat() == PixelFormat.GRAY_F32) {
            tooLarge = Limits.frameSizeProblem(frame.getHeight(), frame.getWidth(), 4);
        }
        if (tooLarge != null) {
            return Optional.of(Rejection.of(DeadLetterReason.FRAME_TOO_LARGE, "frame " + frame.getFrameIndex()
                    + ": " + tooLarge));
        }
        if (!Limits.frameLargeEnough(frame.getHeight(), frame.getWidth())) {
            return Optional.of(Rejection.of(DeadLetterReason.FRAME_TOO_SMALL, "frame " + frame.getFrameIndex()
                    + " is " + frame.getWidth() + "x" + frame.getHeight() + ", the models take at least "
                    + Limits.MIN_FRAME_WIDTH + "x" + Limits.MIN_FRAME_HEIGHT));
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
            return Optional.of(Rejection.of(DeadLetterReason.WRONG_FRAME_SIZE, "frame " + frame.getFrameIndex() + ": "
                    + frame.getPixels().size() + " pixel bytes, expected " + frame.getWidth() + "x"
                    + frame.getHeight() + "x" + bytesPerPixel + " = " + expected));
        }
        if (frame.getPixelFormat() == PixelFormat.GRAY_F32) {
            return finitePixels(frame);
        }
        return Optional.empty();
    }

    /** A NaN pixel would reach every prediction of the session without anyone noticing. */
    private static Optional<Rejection> finitePixels(StimulusFrame frame) {
        FloatBuffer pixels = frame.getPixels().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < pixels.limit(); i++) {
            if (!Float.isFinite(pixels.get(i))) {
                return invalid("frame " + frame.getFrameIndex() + ": pixel " + i + " is " + pixels.get(i));
            }
        }
        return Optional.empty();
    }

    private static Optional<Rejection> invalid(String detail) {
        return Optional.of(Rejection.of(DeadLetterReason.INVALID_FRAME, detail));
    }
}
