package io.twinloop.inference.worker;

import io.twinloop.proto.v1.DeadLetterReason;

/**
 * Why the worker refused one aligned record: the dead letter's reason and a sentence for the human reading the
 * dead-letter topic.
 */
record Rejection(DeadLetterReason reason, String detail) {
}
