package io.twinloop.inference.worker;

import com.google.protobuf.InvalidProtocolBufferException;
import io.twinloop.inference.session.SessionStepper;
import io.twinloop.inference.session.SessionStepper.FrameInput;
import io.twinloop.proto.Topics;
import io.twinloop.proto.WallClock;
import io.twinloop.proto.v1.AlignedFrame;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.Prediction;
import io.twinloop.proto.v1.StimulusFrame;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Consumes aligned frames, steps the model for the sessions that are ready, and publishes exactly
 * one prediction per frame, in frame order per session.
 *
 * <p>Runs on its own thread (model steps block; nothing else shares this thread). Predictions go
 * out at once (linger 0); offsets are committed every 100 ms after the producer's flush
 * (at-least-once: a crash replays at most that much, and replayed frames are skipped by index).
 */
public final class InferenceWorker implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceWorker.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final SessionStepper stepper;
    private final String modelId;
    private final WorkerMetrics metrics;
    private final Set<String> rejectedSessions = new HashSet<>();
    /** Last frame index stepped per session: a frame seen again (a replayed poll) is not stepped twice. */
    private final Map<String, Long> lastStepped = new HashMap<>();
    private volatile boolean running = true;
    private volatile boolean assigned;
    private long lastCommitNanos = System.nanoTime();
    /** How often offsets are committed: not per poll, which would put a broker round trip before every step. */
    private static final long COMMIT_INTERVAL_NANOS = 100_000_000L;

    /**
     * @param bootstrapServers Kafka
     * @param groupId          consumer group of the inference workers
     * @param stepper          the model, owned by this worker from now on
     * @param modelId          the id of the served model; sessions asking for another are rejected
     */
    public InferenceWorker(String bootstrapServers, String groupId, SessionStepper stepper, String modelId,
                           WorkerMetrics metrics) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "256"),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, "0",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"),
                new StringSerializer(), new ByteArraySerializer());
        this.stepper = stepper;
        this.modelId = modelId;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        Thread.currentThread().setName("twinloop-inference");
        try {
            consumer.subscribe(List.of(Topics.ALIGNED), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commit();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned = true;
                }
            });
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(20));
                if (!records.isEmpty()) {
                    process(records);
                }
                if (System.nanoTime() - lastCommitNanos >= COMMIT_INTERVAL_NANOS) {
                    commit();
                }
            }
            commit();
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("inference worker stopped", e);
            throw e;
        } finally {
            consumer.close();
            producer.close();
            stepper.close();
        }
    }

    private void process(ConsumerRecords<String, byte[]> records) {
        BatchPlanner planner = new BatchPlanner();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                planner.add(ModelInput.parseFrom(record.value()));
            } catch (InvalidProtocolBufferException e) {
                reject(record.key(), "undecodable", "aligned record is not a ModelInput: " + e.getMessage(),
                        record.value());
            }
        }
        while (!planner.isEmpty()) {
            StepRound round = planner.nextRound();
            round.lifecycle().forEach(this::applyLifecycle);
            step(round.frames());
        }
    }

    private void applyLifecycle(ModelInput event) {
        String session = event.getSessionId();
        if (event.hasStart()) {
            String wanted = event.getStart().getModelId();
            if (!wanted.isEmpty() && !wanted.equals(modelId)) {
                rejectedSessions.add(session);
                reject(session, "unknown_model", "session asks for model '" + wanted
                        + "', this worker serves '" + modelId + "'", event.toByteArray());
                return;
            }
            rejectedSessions.remove(session);
            lastStepped.remove(session);
            stepper.open(session);
            metrics.openSessions.incrementAndGet();
        } else if (event.hasStop()) {
            if (stepper.isOpen(session)) {
                stepper.close(session);
                metrics.openSessions.decrementAndGet();
            }
            rejectedSessions.remove(session);
            lastStepped.remove(session);
        }
    }

    private void step(List<ModelInput> frames) {
        List<ModelInput> accepted = new ArrayList<>(frames.size());
        List<FrameInput> inputs = new ArrayList<>(frames.size());
        for (ModelInput input : frames) {
            String session = input.getSessionId();
            if (rejectedSessions.contains(session)) {
                reject(session, "unknown_model", "frame of a session whose model is not served here",
                        input.toByteArray());
            } else if (!stepper.isOpen(session)) {
                reject(session, "unknown_session", "frame of a session that was never started",
                        input.toByteArray());
            } else if (input.getFrame().getFrame().getFrameIndex() <= lastStepped.getOrDefault(session, -1L)) {
                // the stream's exactly-once output can be re-read after a crash or an aborted
                // transaction: the prediction for this frame was already published
                metrics.replayedFramesSkipped.incrementAndGet();
            } else {
                lastStepped.put(session, input.getFrame().getFrame().getFrameIndex());
                accepted.add(input);
                inputs.add(toFrameInput(input.getFrame()));
            }
        }
        if (inputs.isEmpty()) {
            return;
        }
        long started = WallClock.nowMicros();
        List<float[]> outputs = stepper.step(inputs);
        long finished = WallClock.nowMicros();
        metrics.recordStep(finished - started);
        metrics.batches.incrementAndGet();
        metrics.framesStepped.addAndGet(inputs.size());
        for (int i = 0; i < accepted.size(); i++) {
            AlignedFrame aligned = accepted.get(i).getFrame();
            StimulusFrame frame = aligned.getFrame();
            Prediction prediction = Prediction.newBuilder()
                    .setSessionId(frame.getSessionId())
                    .setFrameIndex(frame.getFrameIndex())
                    .setFrameTimestampUs(frame.getTimestampUs())
                    .setModelId(modelId)
                    .addAllValues(floats(outputs.get(i)))
                    .setPublishedAtUs(frame.getPublishedAtUs())
                    .setAlignedAtUs(aligned.getAlignedAtUs())
                    .setStepStartedAtUs(started)
                    .setStepFinishedAtUs(finished)
                    .setTelemetryHeld(aligned.getTelemetryHeld())
                    .setBatchSize(inputs.size())
                    .build();
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, frame.getSessionId(), prediction.toByteArray()));
            metrics.predictionsSent.incrementAndGet();
        }
    }

    /**
     * Commits what was consumed once its predictions are acknowledged (flush first): at-least-once,
     * and a replayed frame is recognised by its index and not stepped twice.
     */
    private void commit() {
        producer.flush();
        consumer.commitSync();
        lastCommitNanos = System.nanoTime();
    }

    /** @return whether the worker has joined its group and holds partitions of the aligned topic */
    public boolean isAssigned() {
        return assigned;
    }

    /** Decodes the frame's pixels to [0, 1] floats, row-major [height, width]. */
    public static FrameInput toFrameInput(AlignedFrame aligned) {
        StimulusFrame frame = aligned.getFrame();
        int n = frame.getWidth() * frame.getHeight();
        float[] pixels = new float[n];
        ByteBuffer bytes = frame.getPixels().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (frame.getPixelFormat()) {
            case GRAY8 -> {
                for (int i = 0; i < n; i++) {
                    pixels[i] = (bytes.get(i) & 0xff) / 255f;
                }
            }
            case GRAY_F32 -> bytes.asFloatBuffer().get(pixels);
            default -> throw new IllegalArgumentException("unsupported pixel format " + frame.getPixelFormat());
        }
        return new FrameInput(frame.getSessionId(), pixels, frame.getHeight(), frame.getWidth(),
                new float[] {aligned.getPupilX(), aligned.getPupilY()},
                new float[] {aligned.getPupilRadius(), aligned.getTreadmillVelocity()});
    }

    private void reject(String session, String reason, String detail, byte[] original) {
        metrics.rejected.incrementAndGet();
        DeadLetter letter = DeadLetter.newBuilder()
                .setSourceTopic(Topics.ALIGNED)
                .setSessionId(session == null ? "" : session)
                .setReason(reason)
                .setDetail(detail)
                .setOriginalValue(com.google.protobuf.ByteString.copyFrom(original))
                .setRejectedAtUs(WallClock.nowMicros())
                .build();
        LOG.warn("rejected input of session {}: {} ({})", session, reason, detail);
        producer.send(new ProducerRecord<>(Topics.DEAD_LETTER, session, letter.toByteArray()));
    }

    private static List<Float> floats(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }


    /** Stops the loop; the worker closes its clients and the model on its own thread. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
