package io.twinloop.stream;

import static io.twinloop.stream.StreamHarness.frameIndices;
import static io.twinloop.stream.StreamHarness.frameOf;
import static io.twinloop.stream.StreamHarness.reasons;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.twinloop.proto.Limits;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.stream.session.SessionGate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records that come before their session's start wait one store entry each: a backlog of large frames never
 * becomes one value beyond Kafka's 1 MiB record limit, and beyond the stated limits they are refused.
 */
class EarlyRecordsTest {
    /** Kafka's default largest record (producer max.request.size). */
    private static final int KAFKA_RECORD_LIMIT = 1_048_576;
    private static final int HEIGHT = 144;
    private static final int WIDTH = 256;

    @TempDir
    Path stateDir;
    private StreamHarness rig;

    @BeforeEach
    void open() {
        rig = new StreamHarness(StreamConfig.DEFAULT_MAX_WAIT, stateDir);
    }

    @AfterEach
    void close() {
        rig.close();
    }

    /** A 144 x 256 float frame whose pixels all hold index / 100 (147,456 pixel bytes). */
    private static StimulusFrame largeFrame(String session, long index) {
        ByteBuffer pixels = ByteBuffer.allocate(4 * HEIGHT * WIDTH).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < HEIGHT * WIDTH; i++) {
            pixels.putFloat(index / 100f);
        }
        return frameOf(session, index, index * 33_333).toBuilder().setHeight(HEIGHT).setWidth(WIDTH)
                .setPixelFormat(PixelFormat.GRAY_F32).setPixels(ByteString.copyFrom(pixels.array())).build();
    }

    @Test
    void fortyLargeFramesBeforeTheStartAllComeOutInOrderAndNoChangelogRecordPassesTheLimit() {
        List<StimulusFrame> frames = LongStream.range(0, 40).mapToObj(i -> largeFrame("big", i)).toList();
        frames.forEach(rig::frame);
        assertTrue(rig.aligned().isEmpty());
        List<TestRecord<byte[], byte[]>> held = rig.changelog(SessionGate.EARLY_RECORD_STORE);
        assertEquals(40, held.size(), "one changelog record per waiting frame");

        rig.start("big", StreamHarness.RIG.toBuilder().setIsVirtual(true).setHeight(HEIGHT).setWidth(WIDTH).build());
        List<ModelInput> out = rig.aligned();
        assertTrue(out.get(0).hasStart());
        assertEquals(LongStream.range(0, 40).boxed().toList(), frameIndices(out));
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(frames.get(i).getPixels().toByteArray(),
                    out.get(1 + i).getFrame().getFrame().getPixels().toByteArray(), "frame " + i + " unchanged");
        }
        assertTrue(rig.deadLetters().isEmpty());

        held.addAll(rig.changelog(SessionGate.EARLY_RECORD_STORE));
        held.addAll(rig.changelog(SessionGate.EARLY_INDEX_STORE));
        assertEquals(40, held.stream().filter(r -> r.value() == null).count() - 1,
                "each waiting frame deleted once released, and the session's summary");
        int largest = held.stream().mapToInt(r -> r.value() == null ? 0 : r.value().length).max().orElseThrow();
        assertTrue(largest < KAFKA_RECORD_LIMIT, "largest changelog value " + largest + " bytes");
        assertTrue(largest < 2 * 4 * HEIGHT * WIDTH, "one frame per value: " + largest + " bytes");
    }

    @Test
    void beyondTheMostRecordsThatMayWaitTheRestAreRefused() {
        for (int i = 0; i < Limits.MAX_EARLY_RECORDS_PER_SESSION + 3; i++) {
            rig.treadmill("chatty", i * 10_000L, 3);
        }
        assertEquals(List.of("too_many_early_records", "too_many_early_records", "too_many_early_records"),
                reasons(rig.deadLetters()));
        rig.start("chatty");
        rig.frame("chatty", 0, 1_000_000);
        rig.advanceWallClock(java.time.Duration.ofSeconds(1));      // no eye samples: the frame's wait runs out
        assertEquals(List.of(0L), frameIndices(rig.aligned()), "the records that waited went through");
        assertTrue(rig.deadLetters().isEmpty());
    }

    @Test
    void beyondTheMostBytesThatMayWaitTheRestAreRefused() {
        int height = 1000;
        int width = Limits.MAX_FRAME_BYTES / height;
        ByteString pixels = ByteString.copyFrom(new byte[height * width]);
        long fit = Limits.MAX_EARLY_BYTES_PER_SESSION / (height * width + 32);
        for (long i = 0; i <= fit; i++) {
            rig.frame(frameOf("huge", i, i).toBuilder().setHeight(height).setWidth(width).setPixels(pixels).build());
        }
        assertEquals(List.of("too_many_early_records"), reasons(rig.deadLetters()));
        rig.changelog(SessionGate.EARLY_RECORD_STORE);
    }
}
