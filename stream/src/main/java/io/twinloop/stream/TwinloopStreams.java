package io.twinloop.stream;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the running stream: the topology, its properties and a thread-replacing error policy. */
public final class TwinloopStreams {
    private static final Logger log = LoggerFactory.getLogger(TwinloopStreams.class);

    private TwinloopStreams() {
    }

    /**
     * A not-yet-started {@link KafkaStreams}. An exception that escapes the handlers (e.g. a
     * produce that keeps failing) replaces the stream thread instead of stopping the stream; the
     * new thread resumes from the last committed offsets, so nothing is lost (at-least-once).
     */
    public static KafkaStreams create(StreamConfig config) {
        KafkaStreams streams = new KafkaStreams(TwinloopTopology.build(config), config.properties());
        streams.setUncaughtExceptionHandler(exception -> {
            log.error("stream thread failed; replacing it", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        return streams;
    }
}
