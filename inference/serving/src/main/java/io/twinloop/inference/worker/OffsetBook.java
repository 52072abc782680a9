package io.twinloop.inference.worker;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which consumed offsets may be committed. Every consumed record is pending until it is done: its prediction
 * or dead letter acknowledged by the broker, or nothing to send (a lifecycle event, a replayed frame). A
 * partition's commit position is its lowest pending offset, so an input whose output was not acknowledged is
 * read again after a restart instead of being lost. Thread-safe: producer callbacks mark records done.
 */
final class OffsetBook {

    private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
    /** Next offset to read per partition (last consumed + 1). */
    private final Map<TopicPartition, Long> next = new HashMap<>();

    synchronized void consumed(TopicPartition partition, long offset) {
        pending.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
        next.merge(partition, offset + 1, Math::max);
    }

    synchronized void done(TopicPartition partition, long offset) {
        TreeSet<Long> offsets = pending.get(partition);
        if (offsets != null) {
            offsets.remove(offset);
        }
    }

    /** @return the offsets to commit now: per partition, its lowest pending offset, else the next to read */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        next.forEach((partition, nextOffset) -> {
            TreeSet<Long> offsets = pending.get(partition);
            long position = offsets == null || offsets.isEmpty() ? nextOffset : offsets.first();
            out.put(partition, new OffsetAndMetadata(position));
        });
        return out;
    }

    /** @return the number of consumed records whose output is not acknowledged yet */
    synchronized int pendingCount() {
        return pending.values().stream().mapToInt(TreeSet::size).sum();
    }

    /** Forgets partitions this worker no longer owns (after their final commit). */
    synchronized void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> {
            pending.remove(p);
            next.remove(p);
        });
    }

    synchronized void clear() {
        pending.clear();
        next.clear();
    }
}
