package io.twinloop.inference.training.data;

/** Which window to read: frames {@code [start, start + length)} of {@code trial}. */
public record ClipRequest(String trial, int start, int length) {
}
