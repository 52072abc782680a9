package io.twinloop.ops.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.twinloop.proto.DeadLetters;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.Prediction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the console at {@code /} shows, read from the topics as any client would: a consumer of
 * {@code twinloop.predictions} and {@code twinloop.dead-letter} from their ends at start, outside the serving path.
 * Per session it keeps the frame count, the prediction times of the last {@value #WINDOW} frames (frames/s), their
 * latency (rig publish to model step end, p50 and p99) and their predicted values, from which {@code /console.json}
 * sends one unit's trace; and the last {@value #LETTERS} dead letters. Sessions quiet for {@value #FORGET_S} s are
 * dropped, so memory stays bounded by the live sessions ({@value #WINDOW} x units floats each).
 */
public final class LiveConsole implements AutoCloseable {

    static final int WINDOW = 150;
    static final int LETTERS = 20;
    static final long FORGET_S = 60;
    private static final Logger LOG = LoggerFactory.getLogger(LiveConsole.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Map<String, SessionView> sessions = new LinkedHashMap<>();
    private final Deque<ObjectNode> letters = new ArrayDeque<>();
    private long predictions;
    private volatile boolean running = true;

    private LiveConsole(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.CLIENT_ID_CONFIG, "twinloop-console"),
                new StringDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::loop, "twinloop-console");
        thread.setDaemon(true);
    }

    /** Starts reading from the current ends of the prediction and dead-letter topics. */
    public static LiveConsole start(String bootstrapServers) {
        LiveConsole console = new LiveConsole(bootstrapServers);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.PREDICTIONS, Topics.DEAD_LETTER)) {
            for (PartitionInfo p : console.consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        console.consumer.assign(partitions);
        console.consumer.seekToEnd(partitions);
        partitions.forEach(console.consumer::position);  // resolve the ends now, before any prediction of interest
        console.thread.start();
        return console;
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    accept(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.warn("console stopped reading: {}", e.toString());
        } finally {
            consumer.close();
        }
    }

    private synchronized void accept(ConsumerRecord<String, byte[]> r) {
        long nowUs = System.currentTimeMillis() * 1000;
        try {
            if (r.topic().equals(Topics.PREDICTIONS)) {
                Prediction p = Prediction.parseFrom(r.value() == null ? new byte[0] : r.value());
                String id = p.getSessionId().isEmpty() ? String.valueOf(r.key()) : p.getSessionId();
                sessions.computeIfAbsent(id, SessionView::new).add(p, nowUs);
                predictions++;
            } else if (DeadLetters.isDeadLetter(r.headers())) {
                DeadLetter d = DeadLetter.parseFrom(r.value());
                ObjectNode letter = JSON.createObjectNode().put("session", d.getSessionId())
                        .put("reason", DeadLetters.code(d.getReasonCode())).put("detail", d.getDetail())
                        .put("at_us", d.getRejectedAtUs());
                addLetter(letter);
            } else {
                addLetter(JSON.createObjectNode().put("session", String.valueOf(r.key())).put("reason", "streams_error")
                        .put("detail", "a record Kafka Streams' own dead-letter queue wrote").put("at_us", nowUs));
            }
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            addLetter(JSON.createObjectNode().put("session", String.valueOf(r.key())).put("reason", "console")
                    .put("detail", "unreadable record on " + r.topic() + ": " + e.getMessage()).put("at_us", nowUs));
        }
        sessions.values().removeIf(s -> nowUs - s.lastAtUs > FORGET_S * 1_000_000);
    }

    private void addLetter(ObjectNode letter) {
        letters.addFirst(letter);
        while (letters.size() > LETTERS) {
            letters.removeLast();
        }
    }

    /**
     * The console's JSON: every live session, the recent dead letters, and the trace of {@code unit} in
     * {@code session} (the first session when null) over its last frames.
     */
    public synchronized String snapshot(String session, int unit) {
        ObjectNode out = JSON.createObjectNode();
        out.put("predictions", predictions);
        ArrayNode list = out.putArray("sessions");
        for (SessionView s : sessions.values()) {
            list.add(s.summary());
        }
        out.putArray("dead_letters").addAll(letters);
        SessionView chosen = session != null ? sessions.get(session)
                : sessions.isEmpty() ? null : sessions.values().iterator().next();
        if (chosen != null) {
            out.set("trace", chosen.trace(unit));
        }
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }

    /** One session's recent frames. */
    private static final class SessionView {
        private final String id;
        private final long[] frameIndex = new long[WINDOW];
        private final long[] receivedUs = new long[WINDOW];
        private final double[] latencyMs = new double[WINDOW];
        private final float[][] values = new float[WINDOW][];
        private long frames;
        private long lastAtUs;
        private String model = "";
        private int units;
        private int batchSize;

        SessionView(String id) {
            this.id = id;
        }

        void add(Prediction p, long nowUs) {
            int slot = (int) (frames % WINDOW);
            frameIndex[slot] = p.getFrameIndex();
            receivedUs[slot] = nowUs;
            latencyMs[slot] = (p.getStepFinishedAtUs() - p.getPublishedAtUs()) / 1000.0;
            float[] v = new float[p.getValuesCount()];
            for (int u = 0; u < v.length; u++) {
                v[u] = p.getValues(u);
            }
            values[slot] = v;
            frames++;
            lastAtUs = nowUs;
            model = p.getModelId();
            units = v.length;
            batchSize = p.getBatchSize();
        }

        /** Slots of the kept frames, oldest first. */
        private int[] slots() {
            int kept = (int) Math.min(frames, WINDOW);
            int[] out = new int[kept];
            for (int i = 0; i < kept; i++) {
                out[i] = (int) ((frames - kept + i) % WINDOW);
            }
            return out;
        }

        ObjectNode summary() {
            int[] slots = slots();
            double[] latency = new double[slots.length];
            for (int i = 0; i < slots.length; i++) {
                latency[i] = latencyMs[slots[i]];
            }
            Arrays.sort(latency);
            long spanUs = receivedUs[slots[slots.length - 1]] - receivedUs[slots[0]];
            ObjectNode out = JSON.createObjectNode().put("session", id).put("model", model).put("units", units)
                    .put("frames", frames).put("last_frame", frameIndex[slots[slots.length - 1]])
                    .put("batch_size", batchSize);
            if (slots.length > 1 && spanUs > 0) {
                out.put("frames_per_s", (slots.length - 1) * 1e6 / spanUs);
            }
            out.put("latency_p50_ms", quantile(latency, 0.5)).put("latency_p99_ms", quantile(latency, 0.99));
            return out;
        }

        ObjectNode trace(int unit) {
            ObjectNode out = JSON.createObjectNode().put("session", id);
            if (unit < 0 || unit >= units) {
                return out.put("error", "unit " + unit + " not in 0.." + (units - 1));
            }
            out.put("unit", unit);
            ArrayNode indices = out.putArray("frames");
            ArrayNode trace = out.putArray("values");
            for (int slot : slots()) {
                indices.add(frameIndex[slot]);
                trace.add(values[slot][unit]);
            }
            return out;
        }

        private static double quantile(double[] sorted, double q) {
            return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
        }
    }
}
