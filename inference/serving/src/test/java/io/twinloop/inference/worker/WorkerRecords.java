package io.twinloop.inference.worker;

import com.google.protobuf.ByteString;
import io.twinloop.proto.v1.AlignedFrame;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.SessionStop;
import io.twinloop.proto.v1.StimulusFrame;

/** Aligned-topic records for the worker's unit tests. */
final class WorkerRecords {

    private WorkerRecords() {
    }

    static ModelInput start(String session, String model) {
        return ModelInput.newBuilder().setSessionId(session)
                .setStart(SessionStart.newBuilder().setModelId(model)).build();
    }

    /** A stimulus optimiser's session (no rig). */
    static ModelInput virtualStart(String session, String model) {
        return ModelInput.newBuilder().setSessionId(session)
                .setStart(SessionStart.newBuilder().setModelId(model).setIsVirtual(true)).build();
    }

    static ModelInput stop(String session, long last) {
        return ModelInput.newBuilder().setSessionId(session)
                .setStop(SessionStop.newBuilder().setLastFrameIndex(last)).build();
    }

    /** A GRAY8 frame whose pixels are all {@code value}. */
    static ModelInput frame(String session, long index, int height, int width, int value) {
        byte[] pixels = new byte[height * width];
        java.util.Arrays.fill(pixels, (byte) value);
        return ModelInput.newBuilder().setSessionId(session)
                .setFrame(AlignedFrame.newBuilder().setFrame(StimulusFrame.newBuilder().setSessionId(session)
                        .setFrameIndex(index).setWidth(width).setHeight(height).setPixelFormat(PixelFormat.GRAY8)
                        .setPixels(ByteString.copyFrom(pixels))))
                .build();
    }

    static ModelInput frame(String session, long index) {
        return frame(session, index, 4, 4, 51);
    }

    /** A frame whose ModelInput and StimulusFrame carry no session id: the record key names the session. */
    static ModelInput anonymousFrame(long index) {
        ModelInput input = frame("", index);
        return input;
    }
}
