package io.twinloop.ops.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.twinloop.proto.Topics;
import io.twinloop.proto.WallClock;
import io.twinloop.proto.v1.Prediction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Reads predictions and dead letters back, as a client of the service would, and keeps the
 * figures the demo reports: what arrived, what arrived twice, what was rejected, and latency from
 * the rig's publish to the receipt here.
 */
public final class PredictionCollector implements Runnable, AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> lastIndex = new HashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong warmUpReceived = new AtomicLong();
    private final LatencyBreakdown latency = new LatencyBreakdown();
    private final Consumer<Prediction> listener;
    private volatile boolean running = true;
    private volatile boolean assigned;
    private Thread thread;

    /** Sessions whose id starts with this warm the pipeline up and are not counted. */
    public static final String WARM_UP_PREFIX = "warmup-";

    /** @param listener called for every prediction received (on the collector's thread) */
    public PredictionCollector(String bootstrapServers, Consumer<Prediction> listener) {
        this.listener = listener;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "twinloop-collector-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.PREDICTIONS, Topics.DEAD_LETTER), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                assigned = true;
            }
        });
    }

    /**
     * Starts collecting on a thread of its own and returns once the collector reads its topics, so
     * that receipt times are not inflated by its joining the group.
     */
    public void start(java.time.Duration timeout) throws InterruptedException {
        thread = new Thread(this, "twinloop-prediction-collector");
        thread.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!assigned) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("prediction collector not assigned after " + timeout);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    long receivedAt = WallClock.nowMicros();
                    if (record.key() != null && record.key().startsWith(WARM_UP_PREFIX)) {
                        warmUpReceived.incrementAndGet();
                        continue;
                    }
                    if (record.topic().equals(Topics.DEAD_LETTER)) {
                        rejected.incrementAndGet();
                    } else {
                        accept(record.value(), receivedAt);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private void accept(byte[] value, long receivedAt) {
        Prediction p;
        try {
            p = Prediction.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            rejected.incrementAndGet();
            return;
        }
        received.incrementAndGet();
        if (!seen.add(p.getSessionId() + "#" + p.getFrameIndex())) {
            duplicated.incrementAndGet();
            return;
        }
        Long previous = lastIndex.put(p.getSessionId(), p.getFrameIndex());
        if (previous != null && previous > p.getFrameIndex()) {
            outOfOrder.incrementAndGet();
        }
        latency.record(p, receivedAt);
        listener.accept(p);
    }

    public long received() {
        return received.get();
    }

    public long unique() {
        return seen.size();
    }

    public long duplicated() {
        return duplicated.get();
    }

    public long outOfOrder() {
        return outOfOrder.get();
    }

    /** @return records of warm-up sessions received (predictions and dead letters), not counted elsewhere */
    public long warmUpReceived() {
        return warmUpReceived.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** @return the latency of every prediction received, by pipeline stage */
    public LatencyBreakdown latency() {
        return latency;
    }

    /** @return whether a prediction for this session and frame arrived */
    public boolean has(String session, long frameIndex) {
        return seen.contains(session + "#" + frameIndex);
    }

    /** Stops collecting and waits (briefly) for the collector's thread. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        if (thread != null) {
            thread.join(5_000);
        }
    }
}
