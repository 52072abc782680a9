package io.twinloop.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.twinloop.proto.Topics;
import io.twinloop.stream.deadletter.DeadLetters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class StreamConfigTest {
    private final StreamConfig config = StreamConfig.of("broker:9092", "twinloop", Path.of("/tmp/state"))
            .withNumStreamThreads(2);

    @Test
    void tunesForPerFrameLatency() {
        Properties props = config.properties();
        assertEquals(0, props.get("producer.linger.ms"));
        assertEquals(100, props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertEquals(5L, props.get(StreamsConfig.POLL_MS_CONFIG));
        assertEquals(0L, props.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG));
        assertEquals(2, props.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(StreamsConfig.AT_LEAST_ONCE,
                config.withExactlyOnce(false).properties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        // Streams must accept all of it.
        assertEquals(0L, new StreamsConfig(props).getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG));
    }

    @Test
    void unexpectedErrorsGoToTheDeadLetterTopicAndTheStreamContinues() {
        Properties props = config.properties();
        assertEquals(Topics.DEAD_LETTER, props.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG));
        assertEquals(LogAndContinueExceptionHandler.class,
                props.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertEquals(LogAndContinueProcessingExceptionHandler.class,
                props.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG));
    }

    @Test
    void anExceptionInAProcessorDeadLettersTheRawRecordAndTheStreamGoesOn() {
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), Topics.FRAMES);
        topology.addProcessor("bug", () -> new Processor<String, byte[], String, byte[]>() {
            private ProcessorContext<String, byte[]> context;

            @Override
            public void init(ProcessorContext<String, byte[]> context) {
                this.context = context;
            }

            @Override
            public void process(Record<String, byte[]> record) {
                if (record.value().length == 0) {
                    throw new IllegalStateException("a bug");
                }
                context.forward(record);
            }
        }, "in");
        topology.addSink("out", Topics.ALIGNED, Serdes.String().serializer(), Serdes.ByteArray().serializer(), "bug");
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, config.properties())) {
            TestInputTopic<String, byte[]> in = driver.createInputTopic(Topics.FRAMES, new StringSerializer(),
                    new ByteArraySerializer());
            in.pipeInput("s1", new byte[0]);
            in.pipeInput("s1", new byte[] {7});

            assertEquals(1, driver.createOutputTopic(Topics.ALIGNED, new StringDeserializer(),
                    new ByteArrayDeserializer()).readRecordsToList().size(), "the next record went through");
            TestRecord<String, byte[]> letter = driver.createOutputTopic(Topics.DEAD_LETTER, new StringDeserializer(),
                    new ByteArrayDeserializer()).readRecord();
            assertEquals("s1", letter.key());
            assertEquals(0, letter.value().length, "the original value");
            assertNull(letter.headers().lastHeader(DeadLetters.HEADER), "not one of ours");
            List<String> headers = Arrays.stream(letter.headers().toArray()).map(Header::key).toList();
            assertTrue(headers.stream().anyMatch(h -> h.startsWith("__streams.errors.")), headers.toString());
        }
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> config.withMaxWait(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> config.withNumStreamThreads(0));
    }
}
