package io.twinloop.ops.pipeline;

import ai.djl.ndarray.NDManager;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.twinloop.inference.model.network.NetworkLoader;
import io.twinloop.inference.session.BatchedSessionStepper;
import io.twinloop.ops.broker.EmbeddedKafka;
import io.twinloop.ops.broker.TopicSetup;
import io.twinloop.ops.service.ServiceOptions;
import io.twinloop.ops.service.TwinloopService;
import io.twinloop.proto.Topics;
import io.twinloop.proto.WallClock;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.Prediction;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.StimulusFrame;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18's report on a real broker: 40 frames of 144 x 256 sent before their session's start used to pass
 * Kafka's 1 MiB record limit on the stream's early-records changelog (RecordTooLargeException) and were lost.
 * Held one store entry each, all 40 are predicted, in order, with no dead letter.
 */
class EarlyLargeFramesIntegrationTest {

    private static final String MODEL = "twin";
    private static final int HEIGHT = 144;
    private static final int WIDTH = 256;
    private static final int FRAMES = 40;

    @TempDir
    Path dir;

    private static ProducerRecord<String, byte[]> floatFrame(String session, long index) {
        ByteBuffer pixels = ByteBuffer.allocate(4 * HEIGHT * WIDTH).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < HEIGHT * WIDTH; i++) {
            pixels.putFloat(((i + 13 * index) % 256) / 255f);
        }
        StimulusFrame frame = StimulusFrame.newBuilder().setSessionId(session).setFrameIndex(index)
                .setTimestampUs(index * 33_333).setWidth(WIDTH).setHeight(HEIGHT).setPixelFormat(PixelFormat.GRAY_F32)
                .setPixels(ByteString.copyFrom(pixels.array())).setPublishedAtUs(WallClock.nowMicros()).build();
        return new ProducerRecord<>(Topics.FRAMES, session, frame.toByteArray());
    }

    @Test
    void fortyLargeFramesBeforeTheirStartAreAllPredicted() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            TopicSetup.ensureTopics(kafka.bootstrapServers(), 1, (short) 1);
            BatchedSessionStepper stepper = new BatchedSessionStepper(
                    NetworkLoader.initialise(NDManager.newBaseManager(), "small", 8, 5));
            try (TwinloopService service = TwinloopService.start(new ServiceOptions(kafka.bootstrapServers(),
                    "twinloop-early", dir.resolve("streams"), "127.0.0.1", 0, Duration.ZERO), stepper, MODEL);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                         ProducerConfig.LINGER_MS_CONFIG, "0"), new StringSerializer(), new ByteArraySerializer())) {
                service.awaitRunning(Duration.ofSeconds(60));
                String session = "early-big";
                for (long i = 0; i < FRAMES; i++) {
                    producer.send(floatFrame(session, i)).get();
                }
                // the frames are in the broker before the start is sent: the stream holds them all
                SessionControl start = SessionControl.newBuilder().setSessionId(session)
                        .setStart(SessionStart.newBuilder().setModelId(MODEL).setWidth(WIDTH).setHeight(HEIGHT)
                                .setIsVirtual(true)).build();
                producer.send(new ProducerRecord<>(Topics.CONTROL, session, start.toByteArray())).get();

                List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(kafka.bootstrapServers(),
                        Topics.PREDICTIONS, r -> r.size() >= FRAMES, Duration.ofSeconds(120));
                List<Long> indices = records.stream().map(r -> parse(r.value()).getFrameIndex()).toList();
                assertEquals(LongStream.range(0, FRAMES).boxed().toList(), indices);

                List<ConsumerRecord<String, byte[]>> letters = TopicReader.readUntil(kafka.bootstrapServers(),
                        Topics.DEAD_LETTER, r -> false, Duration.ofSeconds(2));
                assertTrue(letters.isEmpty(), letters.size() + " dead letters, the first: "
                        + (letters.isEmpty() ? "" : describe(letters.get(0).value())));
            }
        }
    }

    private static Prediction parse(byte[] value) {
        try {
            return Prediction.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static String describe(byte[] value) {
        try {
            DeadLetter letter = DeadLetter.parseFrom(value);
            return letter.getReason() + " " + letter.getDetail();
        } catch (InvalidProtocolBufferException e) {
            return "a raw record of Kafka Streams' own dead-letter queue";
        }
    }
}
