package io.twinloop.stream;

import io.twinloop.proto.WallClock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.EyeSample;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.SessionStop;
import io.twinloop.proto.v1.Standardisation;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.proto.v1.TreadmillSample;
import io.twinloop.stream.deadletter.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The topology on a {@link TopologyTestDriver}, with a rig's vocabulary for feeding it. */
final class StreamHarness implements AutoCloseable {
    static final Instant WALL_START = Instant.parse("2026-01-01T00:00:00Z");
    static final int WIDTH = 4;
    static final int HEIGHT = 2;
    /** Standardisation of the test sessions: x (100, 10), y (50, 5), radius (20, 2), velocity (3, 4). */
    static final SessionStart RIG = SessionStart.newBuilder()
            .setMouseId("mouse-1").setModelId("model-a").setFrameRateHz(30).setWidth(WIDTH).setHeight(HEIGHT)
            .setPupilX(stats(100, 10)).setPupilY(stats(50, 5)).setPupilRadius(stats(20, 2))
            .setTreadmillVelocity(stats(3, 4)).build();

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> frames;
    private final TestInputTopic<String, byte[]> telemetry;
    private final TestInputTopic<String, byte[]> control;
    private final TestOutputTopic<String, byte[]> aligned;
    private final TestOutputTopic<String, byte[]> deadLetter;
    /** Kafka record timestamp of everything piped in; fixed unless a test moves stream time. */
    private long recordTimestampMs = WALL_START.toEpochMilli();

    StreamHarness(Duration maxWait, Path stateDir) {
        StreamConfig config = StreamConfig.of("unused:9092", "twinloop-test", stateDir).withMaxWait(maxWait);
        driver = new TopologyTestDriver(TwinloopTopology.build(config), config.properties(), WALL_START);
        frames = input(Topics.FRAMES);
        telemetry = input(Topics.TELEMETRY);
        control = input(Topics.CONTROL);
        aligned = driver.createOutputTopic(Topics.ALIGNED, new StringDeserializer(), new ByteArrayDeserializer());
        deadLetter = driver.createOutputTopic(Topics.DEAD_LETTER, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private TestInputTopic<String, byte[]> input(String topic) {
        return driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer());
    }

    void start(String session) {
        start(session, RIG);
    }

    void startVirtual(String session) {
        start(session, RIG.toBuilder().setIsVirtual(true).build());
    }

    void start(String session, SessionStart start) {
        control(session, SessionControl.newBuilder().setSessionId(session).setStart(start).build());
    }

    void stop(String session, long lastFrameIndex) {
        control(session, SessionControl.newBuilder().setSessionId(session)
                .setStop(SessionStop.newBuilder().setLastFrameIndex(lastFrameIndex)).build());
    }

    void control(String session, SessionControl message) {
        control.pipeInput(session, message.toByteArray(), recordTimestampMs);
    }

    /** A valid GRAY8 frame whose pixels all equal its index, so that a test can tell frames apart. */
    static StimulusFrame frameOf(String session, long index, long timestampUs) {
        byte[] pixels = new byte[WIDTH * HEIGHT];
        java.util.Arrays.fill(pixels, (byte) index);
        return StimulusFrame.newBuilder().setSessionId(session).setFrameIndex(index).setTimestampUs(timestampUs)
                .setWidth(WIDTH).setHeight(HEIGHT).setPixelFormat(PixelFormat.GRAY8)
                .setPixels(ByteString.copyFrom(pixels)).setPublishedAtUs(1).build();
    }

    void frame(String session, long index, long timestampUs) {
        frame(frameOf(session, index, timestampUs));
    }

    void frame(StimulusFrame frame) {
        frames.pipeInput(frame.getSessionId(), frame.toByteArray(), recordTimestampMs);
    }

    void eye(String session, long timestampUs, float x, float y, float radius) {
        telemetry(session, Telemetry.newBuilder().setEye(EyeSample.newBuilder().setSessionId(session)
                .setTimestampUs(timestampUs).setPupilX(x).setPupilY(y).setPupilRadius(radius)).build());
    }

    void treadmill(String session, long timestampUs, float velocity) {
        telemetry(session, Telemetry.newBuilder().setTreadmill(TreadmillSample.newBuilder().setSessionId(session)
                .setTimestampUs(timestampUs).setVelocity(velocity)).build());
    }

    void telemetry(String session, Telemetry message) {
        telemetry.pipeInput(session, message.toByteArray(), recordTimestampMs);
    }

    void rawFrame(String key, byte[] value) {
        frames.pipeInput(key, value, recordTimestampMs);
    }

    void rawTelemetry(String key, byte[] value) {
        telemetry.pipeInput(key, value, recordTimestampMs);
    }

    void rawControl(String key, byte[] value) {
        control.pipeInput(key, value, recordTimestampMs);
    }

    /** Moves the Kafka timestamp of the records piped from now on (and so stream time). */
    void recordTimestampAfterStart(Duration offset) {
        recordTimestampMs = WALL_START.plus(offset).toEpochMilli();
    }

    void advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    /** Every record written to {@code store}'s changelog topic since the last call. */
    List<TestRecord<byte[], byte[]>> changelog(String store) {
        return driver.createOutputTopic("twinloop-test-" + store + "-changelog", new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList();
    }

    /** Everything emitted on the aligned topic since the last call, checking keys on the way. */
    List<ModelInput> aligned() {
        List<ModelInput> out = new ArrayList<>();
        for (TestRecord<String, byte[]> record : aligned.readRecordsToList()) {
            ModelInput input = parse(() -> ModelInput.parseFrom(record.value()));
            if (!record.key().equals(input.getSessionId())) {
                throw new AssertionError("key " + record.key() + " for session " + input.getSessionId());
            }
            out.add(input);
        }
        return out;
    }

    /** Frame indices among {@link #aligned()}. */
    static List<Long> frameIndices(List<ModelInput> inputs) {
        return inputs.stream().filter(ModelInput::hasFrame).map(i -> i.getFrame().getFrame().getFrameIndex()).toList();
    }

    /** Dead letters since the last call; each must carry the protobuf marker header. */
    List<DeadLetter> deadLetters() {
        List<DeadLetter> out = new ArrayList<>();
        for (TestRecord<String, byte[]> record : deadLetter.readRecordsToList()) {
            Header marker = record.headers().lastHeader(DeadLetters.HEADER);
            assertNotNull(marker, "dead letter without " + DeadLetters.HEADER + " header");
            assertArrayEquals(DeadLetters.HEADER_VALUE.getBytes(StandardCharsets.UTF_8), marker.value());
            out.add(parse(() -> DeadLetter.parseFrom(record.value())));
        }
        return out;
    }

    static List<String> reasons(List<DeadLetter> letters) {
        return letters.stream().map(DeadLetter::getReason).toList();
    }

    static Standardisation stats(float mean, float std) {
        return Standardisation.newBuilder().setMean(mean).setStd(std).build();
    }

    private interface Parse<T> {
        T run() throws InvalidProtocolBufferException;
    }

    private static <T> T parse(Parse<T> parse) {
        try {
            return parse.run();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("output does not parse", e);
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
