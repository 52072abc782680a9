package io.twinloop.inference.worker;

import com.google.protobuf.ByteString;
import io.twinloop.proto.Limits;
import io.twinloop.proto.v1.AlignedFrame;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.StimulusFrame;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker checks {@link Limits} again (a record may reach the aligned topic by another way than the stream). */
class WorkerLimitsTest {

    private static DeadLetterReason rejectedAs(ModelInput input) {
        InputDecoder.Decoded decoded = InputDecoder.decode(input.getSessionId(), input.toByteArray());
        assertFalse(decoded.accepted(), "should be rejected: " + input.getFrame().getFrame().getWidth());
        return decoded.rejection().reason();
    }

    private static ModelInput withFrame(ModelInput input, StimulusFrame.Builder frame) {
        return input.toBuilder().setFrame(input.getFrame().toBuilder().setFrame(frame)).build();
    }

    private static ModelInput withAligned(ModelInput input, AlignedFrame.Builder aligned) {
        return input.toBuilder().setFrame(aligned).build();
    }

    @Test
    void framesBelowTheMinimumOrBeyondTheLimitsOrNonFiniteAreRefused() {
        assertEquals(DeadLetterReason.FRAME_TOO_SMALL, rejectedAs(WorkerRecords.frame("s", 0, 1, 1, 0)));
        assertEquals(DeadLetterReason.FRAME_TOO_SMALL, rejectedAs(WorkerRecords.frame("s", 0, 7, 1, 0)));
        assertEquals(DeadLetterReason.FRAME_TOO_LARGE,
                rejectedAs(WorkerRecords.frame("s", 0, 2, Limits.MAX_FRAME_WIDTH + 1, 0)));
        assertEquals(DeadLetterReason.FRAME_TOO_LARGE, rejectedAs(WorkerRecords.frame("s", 0, 1000, 1001, 0)));

        ModelInput good = WorkerRecords.frame("s", 0);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            assertEquals(DeadLetterReason.NON_FINITE_TELEMETRY,
                    rejectedAs(withAligned(good, good.getFrame().toBuilder().setPupilX(bad))));
            assertEquals(DeadLetterReason.NON_FINITE_TELEMETRY,
                    rejectedAs(withAligned(good, good.getFrame().toBuilder().setTreadmillVelocity(bad))));
        }
        ByteBuffer pixels = ByteBuffer.allocate(4 * 16).order(ByteOrder.LITTLE_ENDIAN);
        pixels.putFloat(20, Float.NaN);
        assertEquals(DeadLetterReason.INVALID_FRAME, rejectedAs(withFrame(good, good.getFrame().getFrame()
                .toBuilder().setPixelFormat(PixelFormat.GRAY_F32).setPixels(ByteString.copyFrom(pixels.array())))));
        pixels.putFloat(20, 0.5f);
        assertTrue(InputDecoder.decode("s", withFrame(good, good.getFrame().getFrame().toBuilder()
                .setPixelFormat(PixelFormat.GRAY_F32).setPixels(ByteString.copyFrom(pixels.array()))).toByteArray())
                .accepted(), "finite float pixels pass");
        assertTrue(InputDecoder.decode("s", WorkerRecords.frame("s", 0, 2, 2, 0).toByteArray()).accepted(),
                "the models' minimum size passes");
    }

    @Test
    void aStartBeyondTheWorkersMostSessionsIsRefusedAndSoAreItsFrames() {
        FakeStepper stepper = new FakeStepper();
        SessionBook book = new SessionBook(stepper, "m", 2);
        assertTrue(book.apply(WorkerRecords.start("a", "m")).isEmpty());
        assertTrue(book.apply(WorkerRecords.start("b", "m")).isEmpty());
        assertEquals(DeadLetterReason.TOO_MANY_SESSIONS, book.apply(WorkerRecords.start("c", "m")).orElseThrow()
                .reason());
        assertFalse(stepper.isOpen("c"));
        Rejection frameOfC = assertInstanceOf(SessionBook.Admission.Refused.class,
                book.admit(WorkerRecords.frame("c", 0))).rejection();
        assertEquals(DeadLetterReason.TOO_MANY_SESSIONS, frameOfC.reason());
        assertTrue(frameOfC.detail().contains("start was refused"), frameOfC.detail());

        book.apply(WorkerRecords.stop("a", 0));
        assertTrue(book.apply(WorkerRecords.start("c", "m")).isEmpty(), "room again after a stop");
        assertInstanceOf(SessionBook.Admission.Step.class, book.admit(WorkerRecords.frame("c", 0)));
        assertEquals(2, book.openSessions());
    }

    @Test
    void aModelWithMoreUnitsThanARecordHoldsIsNotServed() {
        FakeStepper huge = new FakeStepper() {
            @Override
            public int units() {
                return Limits.MAX_UNITS + 1;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InferenceWorker(WorkerClients.kafka("unused:9092", "g"), huge, "m", new WorkerMetrics()));
        assertTrue(e.getMessage().contains(String.valueOf(Limits.MAX_UNITS)), e.getMessage());
    }
}
