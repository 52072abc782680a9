package io.twinloop.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinloop.proto.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinloopStreamsTest {
    @TempDir
    Path stateDir;

    @Test
    void kafkaStreamsAcceptsTheTopologyAndItsProperties() {
        KafkaStreams streams = TwinloopStreams.create(StreamConfig.of("localhost:1", "twinloop-test", stateDir));
        try {
            assertEquals(KafkaStreams.State.CREATED, streams.state());
        } finally {
            streams.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void oneSubtopologyReadsTheThreeInputsSoThatTheyShareTasksAndState() {
        TopologyDescription description = TwinloopTopology.build(StreamConfig.of("x:1", "t", stateDir)).describe();
        assertEquals(1, description.subtopologies().size());
        Set<String> sources = description.subtopologies().iterator().next().nodes().stream()
                .filter(TopologyDescription.Source.class::isInstance)
                .flatMap(n -> ((TopologyDescription.Source) n).topicSet().stream())
                .collect(Collectors.toSet());
        assertEquals(Set.of(Topics.FRAMES, Topics.TELEMETRY, Topics.CONTROL), sources);
        assertTrue(description.toString().contains(Topics.ALIGNED) && description.toString().contains(Topics.DEAD_LETTER));
    }
}
