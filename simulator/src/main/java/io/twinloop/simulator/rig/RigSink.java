package io.twinloop.simulator.rig;

import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;

/**
 * Where the rig's records go: Kafka in production ({@link KafkaRigSink}), a list in tests
 * ({@link RecordingRigSink}). Called from the simulator's one thread, in publication order.
 */
public interface RigSink {
    void control(SessionControl control);

    void frame(StimulusFrame frame);

    void telemetry(Telemetry telemetry);

    /** Called once when the run ends, after the last record. */
    default void flush() {
    }
}
