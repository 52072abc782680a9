package io.twinloop.ops.http;

/** Tells whether the service is able to serve, with a one-line reason when it is not. */
public interface HealthCheck {

    /**
     * UP: serving (HTTP 200). DEGRADED: alive and recovering on its own, e.g. the inference worker's loop
     * restarting after a failure (HTTP 200, so that an orchestrator does not kill what is healing itself).
     * DOWN: not serving and not recovering (HTTP 503).
     */
    enum State { UP, DEGRADED, DOWN }

    record Status(State state, String detail) {
        public Status(boolean healthy, String detail) {
            this(healthy ? State.UP : State.DOWN, detail);
        }
    }

    Status status();
}
