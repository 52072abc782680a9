package io.twinloop.ops.http;

/** Tells whether the service is able to serve, with a one-line reason when it is not. */
public interface HealthCheck {

    record Status(boolean healthy, String detail) {
    }

    Status status();
}
