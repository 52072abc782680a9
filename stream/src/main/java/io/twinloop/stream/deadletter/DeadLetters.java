package io.twinloop.stream.deadletter;

import io.twinloop.proto.v1.DeadLetter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Forwards the stream's rejections to the dead-letter sink, built by the one writer of dead letters,
 * {@link io.twinloop.proto.DeadLetters} (reason code and the {@code twinloop.dlq} header).
 *
 * <p>The dead-letter topic also receives records from Kafka Streams' built-in dead-letter queue
 * (unexpected exceptions): those carry the original value and {@code __streams.errors.*} headers
 * instead of a protobuf, and no {@value #HEADER} header.
 */
public final class DeadLetters {
    /** Name of the sink node in the topology that writes to the dead-letter topic. */
    public static final String SINK = "dead-letter-sink";
    public static final String HEADER = io.twinloop.proto.DeadLetters.HEADER;
    public static final String HEADER_VALUE = io.twinloop.proto.DeadLetters.HEADER_VALUE;

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {
    }

    /**
     * Sends a dead letter for the record being processed now. Only call while processing a record
     * (not from a punctuator): the source topic, partition and offset come from its metadata.
     *
     * @param sessionId the session id if known, else null
     * @param original the record's original value bytes, may be null
     */
    public static void reject(ProcessorContext<? super String, ? super DeadLetter> context, Record<?, ?> origin,
                              String sessionId, byte[] original, Rejection rejection) {
        // a punctuation (a wait that ran out) has metadata without a source record
        Optional<RecordMetadata> source = context.recordMetadata().filter(meta -> meta.topic() != null);
        ProducerRecord<String, DeadLetter> letter = io.twinloop.proto.DeadLetters.record(rejection.reason(),
                rejection.detail(), sessionId, original, source.map(RecordMetadata::topic).orElse(null),
                source.map(RecordMetadata::partition).orElse(0), source.map(RecordMetadata::offset).orElse(0L));
        log.warn("rejected {}/{}@{} of session {}: {} ({})", letter.value().getSourceTopic(),
                letter.value().getSourcePartition(), letter.value().getSourceOffset(), sessionId,
                letter.value().getReason(), rejection.detail());
        context.forward(new Record<>(letter.key(), letter.value(), origin.timestamp(), letter.headers()), SINK);
    }
}
