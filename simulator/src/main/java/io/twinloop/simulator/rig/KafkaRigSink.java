package io.twinloop.simulator.rig;

import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes the rig's records to twinloop's topics, keyed by session id, as protobuf bytes. The
 * producer belongs to the caller (it is flushed, never closed, here); failed sends are counted and
 * the first failure is kept, since a rig cannot stop for a broker hiccup.
 */
public final class KafkaRigSink implements RigSink {
    private final Producer<String, byte[]> producer;
    private final AtomicLong failedSends = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    public KafkaRigSink(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    @Override
    public void control(SessionControl control) {
        send(Topics.CONTROL, control.getSessionId(), control.toByteArray());
    }

    @Override
    public void frame(StimulusFrame frame) {
        send(Topics.FRAMES, frame.getSessionId(), frame.toByteArray());
    }

    @Override
    public void telemetry(Telemetry telemetry) {
        String sessionId = telemetry.hasEye() ? telemetry.getEye().getSessionId() : telemetry.getTreadmill().getSessionId();
        send(Topics.TELEMETRY, sessionId, telemetry.toByteArray());
    }

    private void send(String topic, String sessionId, byte[] value) {
        producer.send(new ProducerRecord<>(topic, sessionId, value), (metadata, exception) -> {
            if (exception != null) {
                failedSends.incrementAndGet();
                firstFailure.compareAndSet(null, exception);
            }
        });
    }

    @Override
    public void flush() {
        producer.flush();
    }

    public long failedSends() {
        return failedSends.get();
    }

    /** The first send that failed, or null. */
    public Exception firstFailure() {
        return firstFailure.get();
    }
}
