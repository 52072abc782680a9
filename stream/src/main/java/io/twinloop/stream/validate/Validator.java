package io.twinloop.stream.validate;

import io.twinloop.stream.deadletter.Rejection;
import java.util.Optional;

/** A check that needs nothing but the message itself; empty when the message is fine. */
@FunctionalInterface
public interface Validator<M> {
    Optional<Rejection> check(M message);
}
