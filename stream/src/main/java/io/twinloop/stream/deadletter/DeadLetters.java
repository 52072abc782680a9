package io.twinloop.stream.deadletter;

import com.google.protobuf.ByteString;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.WallClock;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes our own rejections to the dead-letter sink as {@link DeadLetter} protobufs.
 *
 * <p>The dead-letter topic also receives records from Kafka Streams' built-in dead-letter queue
 * (unexpected exceptions): those carry the original value and {@code __streams.errors.*} headers
 * instead of a protobuf. Ours carry the header {@value #HEADER}={@value #HEADER_VALUE} so that
 * consumers can tell the two apart.
 */
public final class DeadLetters {
    /** Name of the sink node in the topology that writes to the dead-letter topic. */
    public static final String SINK = "dead-letter-sink";
    public static final String HEADER = "twinloop.dlq";
    public static final String HEADER_VALUE = "protobuf";

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
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setReason(rejection.reason().code())
                .setDetail(rejection.detail())
                .setRejectedAtUs(WallClock.nowMicros());
        if (sessionId != null) {
            letter.setSessionId(sessionId);
        }
        if (original != null) {
            letter.setOriginalValue(ByteString.copyFrom(original));
        }
        // a punctuation (a wait that ran out) has metadata without a source record
        context.recordMetadata().filter(meta -> meta.topic() != null).ifPresent((RecordMetadata meta) -> letter
                .setSourceTopic(meta.topic())
                .setSourcePartition(meta.partition())
                .setSourceOffset(meta.offset()));
        log.warn("rejected {}/{}@{} of session {}: {} ({})", letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset(),
                sessionId, rejection.reason().code(), rejection.detail());
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER, HEADER_VALUE.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(sessionId, letter.build(), origin.timestamp(), headers), SINK);
    }
}
