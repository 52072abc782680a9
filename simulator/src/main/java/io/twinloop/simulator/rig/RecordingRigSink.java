package io.twinloop.simulator.rig;

import com.google.protobuf.Message;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;

/** Keeps every record in publication order: the rig's schedule, observable without a broker. */
public final class RecordingRigSink implements RigSink {

    /** One published record: its topic, key and message. */
    public record Published(String topic, String sessionId, Message message) {
    }

    private final List<Published> records = new ArrayList<>();

    @Override
    public synchronized void control(SessionControl control) {
        records.add(new Published(Topics.CONTROL, control.getSessionId(), control));
    }

    @Override
    public synchronized void frame(StimulusFrame frame) {
        records.add(new Published(Topics.FRAMES, frame.getSessionId(), frame));
    }

    @Override
    public synchronized void telemetry(Telemetry telemetry) {
        String sessionId = telemetry.hasEye() ? telemetry.getEye().getSessionId() : telemetry.getTreadmill().getSessionId();
        records.add(new Published(Topics.TELEMETRY, sessionId, telemetry));
    }

    /** A copy of everything published so far. */
    public synchronized List<Published> records() {
        return List.copyOf(records);
    }

    /** The records of one session, in order. */
    public synchronized List<Published> records(String sessionId) {
        return records.stream().filter(r -> r.sessionId().equals(sessionId)).toList();
    }
}
