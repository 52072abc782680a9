package io.twinloop.stream;

import io.twinloop.proto.v1.ModelInput;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Where a session's model inputs go on the aligned topic: the partition Kafka's default partitioner gives its
 * routing id, the part of the session id before the first {@code '#'}. A session without {@code '#'} lands where
 * it always did; a fork ({@code "rig-3#cand-17"}, proto {@code Fork}) lands with its parent, on the worker that
 * holds the state it starts from.
 */
public final class SessionRouting implements StreamPartitioner<String, ModelInput> {

    /** Separates a fork's name from its parent's session id. */
    public static final char FORK_SEPARATOR = '#';

    /** @return the id the session is routed by */
    public static String routingId(String sessionId) {
        int cut = sessionId.indexOf(FORK_SEPARATOR);
        return cut < 0 ? sessionId : sessionId.substring(0, cut);
    }

    /** @return the partition of {@code sessionId} among {@code partitions} */
    public static int partition(String sessionId, int partitions) {
        byte[] bytes = routingId(sessionId).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(bytes)) % partitions;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, ModelInput value, int numPartitions) {
        String session = key != null ? key : value == null ? null : value.getSessionId();
        return session == null ? Optional.empty() : Optional.of(Set.of(partition(session, numPartitions)));
    }
}
