package io.twinloop.stream.deadletter;

/** The verdict on a rejected record: a {@link Reason} and a sentence for the human reading the topic. */
public record Rejection(Reason reason, String detail) {
    public static Rejection of(Reason reason, String detail) {
        return new Rejection(reason, detail);
    }
}
