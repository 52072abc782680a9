package io.twinloop.stream.deadletter;

import io.twinloop.proto.v1.DeadLetterReason;

/** The verdict on a rejected record: a {@link DeadLetterReason} and a sentence for the human reading the topic. */
public record Rejection(DeadLetterReason reason, String detail) {
    public static Rejection of(DeadLetterReason reason, String detail) {
        return new Rejection(reason, detail);
    }
}
