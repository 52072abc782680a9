package io.twinloop.inference.worker;

import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.ModelInput;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker tests' consumer: a {@link MockConsumer} that yields the CPU when it has nothing (the real one waits in
 * poll) and keeps every commit (the mock forgets the commits of partitions it no longer holds).
 */
final class QuietConsumer extends MockConsumer<String, byte[]> {

    static final TopicPartition ALIGNED_0 = new TopicPartition(Topics.ALIGNED, 0);

    final Map<TopicPartition, Long> commits = new ConcurrentHashMap<>();

    QuietConsumer() {
        super("earliest");
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        super.commitSync(offsets);
        offsets.forEach((partition, position) -> commits.put(partition, position.offset()));
    }

    @Override
    public ConsumerRecords<String, byte[]> poll(Duration timeout) {
        ConsumerRecords<String, byte[]> records = super.poll(timeout);
        if (records.isEmpty()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return records;
    }

    /** Assigns partition 0 of the aligned topic and queues the records (offsets 0, 1, ... as they carry). */
    void deliver(List<ConsumerRecord<String, byte[]>> records) {
        schedulePollTask(() -> {
            rebalance(List.of(ALIGNED_0));
            updateBeginningOffsets(Map.of(ALIGNED_0, 0L));
            records.forEach(this::addRecord);
        });
    }

    /** Queues one input, keyed by its session, at {@code offset} of an assigned {@code partition}. */
    void send(TopicPartition partition, long offset, ModelInput input) {
        schedulePollTask(() -> addRecord(new ConsumerRecord<>(partition.topic(), partition.partition(), offset,
                input.getSessionId(), input.toByteArray())));
    }
}
