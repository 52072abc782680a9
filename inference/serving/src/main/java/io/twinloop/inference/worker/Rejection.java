package io.twinloop.inference.worker;

/**
 * Why the worker refused one aligned record: a dead-letter reason code and a sentence for the human reading
 * the dead-letter topic.
 */
record Rejection(String reason, String detail) {
}
