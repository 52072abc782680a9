package io.twinloop.proto;

import com.google.protobuf.ByteString;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.DeadLetterReason;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The one writer of twinloop's dead letters: the stream stage and the inference worker both build theirs here,
 * so every dead letter carries its {@link DeadLetterReason} (and the same code as a string for v1 readers) and
 * the header {@value #HEADER}={@value #HEADER_VALUE}, which tells it apart from the raw records Kafka Streams'
 * own dead-letter queue writes to the same topic.
 */
public final class DeadLetters {

    public static final String HEADER = "twinloop.dlq";
    public static final String HEADER_VALUE = "protobuf";

    private DeadLetters() {
    }

    /** @return the reason's string code: its name in lower case, e.g. {@code unknown_model} */
    public static String code(DeadLetterReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A dead letter for the topic, keyed by its session, with the header set.
     *
     * @param sessionId       the session id if known, else null (the record then has no key)
     * @param original        the rejected record's value, may be null
     * @param sourceTopic     where the rejected record was read, or null when unknown (a wait that ran out)
     * @param sourcePartition its partition (ignored without a topic)
     * @param sourceOffset    its offset (ignored without a topic)
     */
    public static ProducerRecord<String, DeadLetter> record(DeadLetterReason reason, String detail, String sessionId,
                                                            byte[] original, String sourceTopic, int sourcePartition,
                                                            long sourceOffset) {
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setReasonCode(reason)
                .setReason(code(reason))
                .setDetail(detail)
                .setRejectedAtUs(WallClock.nowMicros());
        if (sessionId != null) {
            letter.setSessionId(sessionId);
        }
        if (original != null) {
            letter.setOriginalValue(ByteString.copyFrom(original));
        }
        if (sourceTopic != null) {
            letter.setSourceTopic(sourceTopic).setSourcePartition(sourcePartition).setSourceOffset(sourceOffset);
        }
        Headers headers = new RecordHeaders();
        headers.add(HEADER, HEADER_VALUE.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(Topics.DEAD_LETTER, null, sessionId, letter.build(), headers);
    }

    /** @return whether a record of the dead-letter topic is one of ours (a {@link DeadLetter}), by its header */
    public static boolean isDeadLetter(Headers headers) {
        Header header = headers.lastHeader(HEADER);
        return header != null
                && Arrays.equals(header.value(), HEADER_VALUE.getBytes(StandardCharsets.UTF_8));
    }
}
