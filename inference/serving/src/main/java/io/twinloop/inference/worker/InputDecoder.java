package io.twinloop.inference.worker;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import io.twinloop.proto.Limits;
import io.twinloop.proto.v1.AlignedFrame;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.StimulusFrame;

/**
 * Turns one {@code twinloop.aligned} record into a {@link ModelInput} the worker can act on, or a
 * {@link Rejection}. The stream has validated these records already; the worker checks again what would
 * otherwise throw later (a null value, no session id, a frame whose pixels do not fill it, one below the models'
 * minimum size or beyond {@link Limits}) or poison a session's state (a non-finite pixel or behaviour value),
 * because no single record may stop the worker or spoil a session.
 */
final class InputDecoder {

    /** The decoded input with its session id set (from the key when the body has none), or why not. */
    record Decoded(ModelInput input, Rejection rejection) {
        boolean accepted() {
            return input != null;
        }
    }

    private InputDecoder() {
    }

    static Decoded decode(String key, byte[] value) {
        if (value == null || value.length == 0) {
            return reject(DeadLetterReason.UNDECODABLE, "aligned record has no value");
        }
        ModelInput input;
        try {
            input = ModelInput.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return reject(DeadLetterReason.UNDECODABLE, "aligned record is not a ModelInput: " + e.getMessage());
        }
        String session = input.getSessionId();
        boolean hasKey = key != null && !key.isEmpty();
        if (session.isEmpty() && !hasKey) {
            return reject(DeadLetterReason.MISSING_SESSION_ID, "neither key nor ModelInput has a session id");
        }
        if (session.isEmpty()) {
            session = key;
            input = input.toBuilder().setSessionId(session).build();
        } else if (hasKey && !session.equals(key)) {
            return reject(DeadLetterReason.SESSION_KEY_MISMATCH,
                    "key '" + key + "' but ModelInput of session '" + session + "'");
        }
        return switch (input.getEventCase()) {
            case START, STOP -> new Decoded(input, null);
            case FRAME -> checkFrame(input);
            case EVENT_NOT_SET -> reject(DeadLetterReason.UNDECODABLE, "ModelInput with neither frame, start nor stop");
        };
    }

    private static Decoded checkFrame(ModelInput input) {
        StimulusFrame frame = input.getFrame().getFrame();
        String session = frame.getSessionId();
        if (!session.isEmpty() && !session.equals(input.getSessionId())) {
            return reject(DeadLetterReason.SESSION_KEY_MISMATCH, "frame of session '" + session
                    + "' inside ModelInput of '"
                    + input.getSessionId() + "'");
        }
        int bytesPerPixel = switch (frame.getPixelFormat()) {
            case GRAY8 -> 1;
            case GRAY_F32 -> 4;
            default -> 0;
        };
        if (bytesPerPixel == 0 || frame.getWidth() <= 0 || frame.getHeight() <= 0 || frame.getFrameIndex() < 0) {
            return reject(DeadLetterReason.INVALID_FRAME, "frame " + frame.getFrameIndex() + ": "
                    + frame.getWidth() + " x "
                    + frame.getHeight() + " " + frame.getPixelFormat());
        }
        String tooLarge = Limits.frameSizeProblem(frame.getHeight(), frame.getWidth(), bytesPerPixel);
        if (tooLarge != null) {
            return reject(DeadLetterReason.FRAME_TOO_LARGE, "frame " + frame.getFrameIndex() + ": " + tooLarge);
        }
        if (!Limits.frameLargeEnough(frame.getHeight(), frame.getWidth())) {
            return reject(DeadLetterReason.FRAME_TOO_SMALL, "frame " + frame.getFrameIndex() + " is "
                    + frame.getWidth() + " x " + frame.getHeight() + ", the models take at least "
                    + Limits.MIN_FRAME_WIDTH + " x " + Limits.MIN_FRAME_HEIGHT);
        }
        long expected = (long) frame.getWidth() * frame.getHeight() * bytesPerPixel;
        if (frame.getPixels().size() != expected) {
            return reject(DeadLetterReason.WRONG_FRAME_SIZE, "frame " + frame.getFrameIndex() + ": "
                    + frame.getPixels().size()
                    + " pixel bytes, " + expected + " expected");
        }
        AlignedFrame aligned = input.getFrame();
        float[] behaviour = {aligned.getPupilX(), aligned.getPupilY(), aligned.getPupilRadius(),
            aligned.getTreadmillVelocity()};
        for (float value : behaviour) {
            if (!Float.isFinite(value)) {
                return reject(DeadLetterReason.NON_FINITE_TELEMETRY, "frame " + frame.getFrameIndex()
                        + ": behaviour input " + value);
            }
        }
        if (frame.getPixelFormat() == PixelFormat.GRAY_F32) {
            FloatBuffer pixels = frame.getPixels().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            for (int i = 0; i < pixels.limit(); i++) {
                if (!Float.isFinite(pixels.get(i))) {
                    return reject(DeadLetterReason.INVALID_FRAME, "frame " + frame.getFrameIndex() + ": pixel " + i
                            + " is " + pixels.get(i));
                }
            }
        }
        return new Decoded(input, null);
    }

    private static Decoded reject(DeadLetterReason reason, String detail) {
        return new Decoded(null, new Rejection(reason, detail));
    }
}
