package io.twinloop.stream;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Forks land with their parents; every other session where Kafka's own partitioner puts its key. */
class SessionRoutingTest {

    @Test
    void forksShareTheirParentsPartitionAndOthersKeepKafkasDefault() {
        for (int partitions = 1; partitions <= 48; partitions++) {
            for (int s = 0; s < 200; s++) {
                String parent = "rig-" + s;
                byte[] key = parent.getBytes(StandardCharsets.UTF_8);
                assertEquals(BuiltInPartitioner.partitionForKey(key, partitions),
                        SessionRouting.partition(parent, partitions), parent);
                assertEquals(SessionRouting.partition(parent, partitions),
                        SessionRouting.partition(parent + "#cand-" + (s * 31 % 97), partitions));
                assertEquals(SessionRouting.partition(parent, partitions),
                        SessionRouting.partition(parent + "#a#b", partitions), "a fork of a fork");
            }
        }
    }
}
