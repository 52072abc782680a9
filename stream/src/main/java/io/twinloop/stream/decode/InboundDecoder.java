package io.twinloop.stream.decode;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.UnknownFieldSet;
import io.twinloop.proto.Limits;
import io.twinloop.stream.deadletter.DeadLetters;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.stream.deadletter.Rejection;
import io.twinloop.stream.validate.Validator;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First stop of every input topic: turns raw bytes into a message and applies the checks that need
 * nothing but the record itself. Garbage is dead-lettered here, by our own code, so that the stream
 * never sees an exception for bad input. Everything else goes on to the session gate as {@link Inbound}.
 */
public final class InboundDecoder<M extends Message> implements Processor<String, byte[], String, Object> {
    private final Parser<M> parser;
    private final Function<M, String> sessionIdOf;
    private final Validator<M> validator;
    private final String next;
    private ProcessorContext<String, Object> context;

    /**
     * @param sessionIdOf the session id carried inside the message ("" when absent)
     * @param next name of the processor that receives the decoded records
     */
    public InboundDecoder(Parser<M> parser, Function<M, String> sessionIdOf, Validator<M> validator, String next) {
        this.parser = parser;
        this.sessionIdOf = sessionIdOf;
        this.validator = validator;
        this.next = next;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        byte[] raw = record.value();
        String key = record.key() == null || record.key().isEmpty() ? null : record.key();
        if (raw == null || raw.length == 0) {
            reject(record, key, raw, Rejection.of(DeadLetterReason.UNDECODABLE, "empty value"));
            return;
        }
        M message;
        try {
            message = parser.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            reject(record, key, raw, Rejection.of(DeadLetterReason.UNDECODABLE,
                    "not a protobuf message: " + e.getMessage()));
            return;
        }
        // Random bytes sometimes parse as a message made only of unknown fields.
        if (message.getDefaultInstanceForType().equals(withoutUnknownFields(message))) {
            reject(record, key, raw, Rejection.of(DeadLetterReason.UNDECODABLE, "no known field set"));
            return;
        }
        String inMessage = sessionIdOf.apply(message);
        String sessionId = inMessage.isEmpty() ? key : inMessage;
        if (sessionId == null) {
            reject(record, null, raw, Rejection.of(DeadLetterReason.MISSING_SESSION_ID,
                    "neither key nor message has a session id"));
            return;
        }
        if (!Limits.idFits(sessionId) || (key != null && !Limits.idFits(key))) {
            reject(record, null, raw, Rejection.of(DeadLetterReason.ID_TOO_LONG,
                    "session id longer than " + Limits.MAX_ID_BYTES + " bytes"));
            return;
        }
        if (key != null && !key.equals(sessionId)) {
            reject(record, sessionId, raw, Rejection.of(DeadLetterReason.SESSION_KEY_MISMATCH,
                    "record key '" + key + "' differs from the message's session id"));
            return;
        }
        Optional<Rejection> invalid = validator.check(message);
        if (invalid.isPresent()) {
            reject(record, sessionId, raw, invalid.get());
            return;
        }
        context.forward(record.withKey(sessionId).withValue(new Inbound<>(sessionId, message, raw)), next);
    }

    private static Message withoutUnknownFields(Message message) {
        return message.getUnknownFields().asMap().isEmpty()
                ? message
                : message.toBuilder().setUnknownFields(UnknownFieldSet.getDefaultInstance()).build();
    }

    private void reject(Record<String, byte[]> record, String sessionId, byte[] raw, Rejection rejection) {
        DeadLetters.reject(context, record, sessionId, raw, rejection);
    }
}
