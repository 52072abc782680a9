package io.twinloop.stream;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.stream.align.AlignmentProcessor;
import io.twinloop.stream.align.PendingFrames;
import io.twinloop.stream.align.TelemetryBuffers;
import io.twinloop.stream.deadletter.DeadLetters;
import io.twinloop.stream.decode.InboundDecoder;
import io.twinloop.stream.session.SessionGate;
import io.twinloop.stream.session.SessionStateSerde;
import io.twinloop.stream.validate.ControlValidator;
import io.twinloop.stream.validate.FrameValidator;
import io.twinloop.stream.validate.TelemetryValidator;
import io.twinloop.stream.validate.Validator;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The whole stream in one place.
 *
 * <pre>
 *   twinloop.frames    -> decode-frames    -\
 *   twinloop.telemetry -> decode-telemetry --> session-gate -> aligner -> twinloop.aligned
 *   twinloop.control   -> decode-control   -/       |
 *          (decoders and gate reject to)  ------------------------> twinloop.dead-letter
 * </pre>
 *
 * Decoders parse and check each record on its own; the gate knows the sessions (start, stop,
 * frame indices) and the aligner holds frames until their telemetry is known. The aligned topic is
 * partitioned by {@link SessionRouting}, so that a fork's inputs reach its parent's worker. All stores are
 * in memory with changelogs, so state survives restarts and follows its partition.
 */
public final class TwinloopTopology {
    static final String GATE = "session-gate";
    static final String ALIGNER = "aligner";

    private TwinloopTopology() {
    }

    public static Topology build(StreamConfig config) {
        Topology topology = new Topology();
        addInput(topology, "frames", Topics.FRAMES,
                new Decoding<>(StimulusFrame.parser(), StimulusFrame::getSessionId, new FrameValidator()));
        addInput(topology, "telemetry", Topics.TELEMETRY,
                new Decoding<>(Telemetry.parser(), TwinloopTopology::sessionIdOf, new TelemetryValidator()));
        addInput(topology, "control", Topics.CONTROL,
                new Decoding<>(SessionControl.parser(), SessionControl::getSessionId, new ControlValidator()));

        topology.addProcessor(GATE, () -> new SessionGate(config.stopGrace(), ALIGNER),
                "decode-frames", "decode-telemetry", "decode-control");
        topology.addProcessor(ALIGNER,
                () -> new AlignmentProcessor(SessionGate.STORE, config.maxWait(), config.waitCheckInterval()), GATE);

        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SessionGate.STORE),
                Serdes.String(), new SessionStateSerde()), GATE, ALIGNER);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SessionGate.FINISHED_STORE),
                Serdes.String(), Serdes.Long()), GATE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
                SessionGate.EARLY_INDEX_STORE), Serdes.String(), Serdes.ByteArray()), GATE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
                SessionGate.EARLY_RECORD_STORE), Serdes.String(), Serdes.ByteArray()), GATE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PendingFrames.STORE),
                Serdes.Bytes(), Serdes.ByteArray()), ALIGNER);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
                AlignmentProcessor.BUFFERS_STORE), Serdes.String(), TelemetryBuffers.serde()), ALIGNER);

        topology.addSink("aligned-sink", Topics.ALIGNED, Serdes.String().serializer(), protobuf(),
                new SessionRouting(), ALIGNER);
        topology.addSink(DeadLetters.SINK, Topics.DEAD_LETTER, Serdes.String().serializer(), protobuf(),
                "decode-frames", "decode-telemetry", "decode-control", GATE);
        return topology;
    }

    /** How to decode one input topic. */
    private record Decoding<M extends Message>(Parser<M> parser,
                                               Function<M, String> sessionIdOf,
                                               Validator<M> validator) {
    }

    private static <M extends Message> void addInput(Topology topology, String name, String topic, Decoding<M> decoding) {
        topology.addSource(name + "-source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topic);
        topology.addProcessor("decode-" + name,
                () -> new InboundDecoder<>(decoding.parser(), decoding.sessionIdOf(), decoding.validator(), GATE),
                name + "-source");
    }

    private static String sessionIdOf(Telemetry telemetry) {
        return switch (telemetry.getSampleCase()) {
            case EYE -> telemetry.getEye().getSessionId();
            case TREADMILL -> telemetry.getTreadmill().getSessionId();
            default -> "";
        };
    }

    private static <M extends Message> Serializer<M> protobuf() {
        return (topic, message) -> message == null ? null : message.toByteArray();
    }
}
