package io.twinloop.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.twinloop.proto.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
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
    void refusesSettingsThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> config.withMaxWait(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> config.withNumStreamThreads(0));
    }
}
