package io.twinloop.ops.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.twinloop.ops.closedloop.ClipResponder;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.Prediction;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.SessionStop;
import io.twinloop.proto.v1.StimulusFrame;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A twin served by a running twinloop service, seen as a {@link ClipResponder}: each clip becomes a virtual
 * session (start, GRAY8 frames, stop) on the service's input topics, and its predictions are read back from the
 * predictions topic. All clips of one call are sent before any answer is awaited, so the worker steps them
 * together as one batch per frame: a CMA-ES population is one batch of virtual sessions. A dead letter for one of
 * the clips fails the call with its reason.
 *
 * <p>The clients are injected (and owned by the caller): a producer, and a consumer that this class assigns to
 * every partition of the predictions and dead-letter topics. Not thread-safe.
 */
public final class ServiceClipResponder implements ClipResponder {

    private final Producer<String, byte[]> producer;
    private final Consumer<String, byte[]> consumer;
    private final String modelId;
    private final int height;
    private final int width;
    private final String prefix;
    private final Duration timeout;
    private int call;
    private long framesSent;
    private long nanosWaited;

    /**
     * @param prefix  names this optimiser's sessions ({@code prefix-<call>-<clip>}); unique per optimiser
     * @param timeout the longest a call waits for its predictions
     */
    public ServiceClipResponder(Producer<String, byte[]> producer, Consumer<String, byte[]> consumer, String modelId,
                                int height, int width, String prefix, Duration timeout) {
        this.producer = producer;
        this.consumer = consumer;
        this.modelId = modelId;
        this.height = height;
        this.width = width;
        this.prefix = prefix;
        this.timeout = timeout;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.PREDICTIONS, Topics.DEAD_LETTER)) {
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        for (TopicPartition p : partitions) {
            consumer.position(p); // resolve now: only answers to clips sent after this count
        }
    }

    @Override
    public float[][][] respond(List<float[][]> clips) {
        long started = System.nanoTime();
        int thisCall = call++;
        Map<String, Integer> clipOf = new HashMap<>();
        float[][][] out = new float[clips.size()][][];
        int expected = 0;
        for (int c = 0; c < clips.size(); c++) {
            String session = prefix + "-" + thisCall + "-" + c;
            clipOf.put(session, c);
            float[][] clip = clips.get(c);
            out[c] = new float[clip.length][];
            expected += clip.length;
            producer.send(new ProducerRecord<>(Topics.CONTROL, session, SessionControl.newBuilder()
                    .setSessionId(session).setStart(SessionStart.newBuilder().setModelId(modelId).setIsVirtual(true)
                            .setMouseId("virtual").setFrameRateHz(30).setWidth(width).setHeight(height))
                    .build().toByteArray()));
            for (int t = 0; t < clip.length; t++) {
                producer.send(new ProducerRecord<>(Topics.FRAMES, session, frame(session, t, clip[t]).toByteArray()));
            }
            producer.send(new ProducerRecord<>(Topics.CONTROL, session, SessionControl.newBuilder()
                    .setSessionId(session).setTimestampUs(clip.length * 33_333L)
                    .setStop(SessionStop.newBuilder().setLastFrameIndex(clip.length - 1)).build().toByteArray()));
        }
        producer.flush();
        int received = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the service answered " + received + " of " + expected
                        + " candidate frames within " + timeout + ": is it serving model '" + modelId + "'?");
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                Integer c = r.key() == null ? null : clipOf.get(r.key());
                if (c == null) {
                    continue;
                }
                if (r.topic().equals(Topics.DEAD_LETTER)) {
                    throw new IllegalStateException("the service refused candidate " + r.key() + ": "
                            + deadLetter(r.value()));
                }
                Prediction p = prediction(r.value());
                int t = (int) p.getFrameIndex();
                if (t >= 0 && t < out[c].length && out[c][t] == null) {
                    float[] values = new float[p.getValuesCount()];
                    for (int u = 0; u < values.length; u++) {
                        values[u] = p.getValues(u);
                    }
                    out[c][t] = values;
                    received++;
                }
            }
        }
        framesSent += expected;
        nanosWaited += System.nanoTime() - started;
        return out;
    }

    /** @return candidate frames answered per second of calls so far */
    public double candidateFramesPerSecond() {
        return nanosWaited == 0 ? 0 : framesSent / (nanosWaited / 1e9);
    }

    private StimulusFrame frame(String session, int t, float[] luminance) {
        if (luminance.length != height * width) {
            throw new IllegalArgumentException("a frame of " + luminance.length + " pixels; the responder sends "
                    + height + " x " + width);
        }
        byte[] pixels = new byte[luminance.length];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = (byte) Math.round(Math.max(0, Math.min(1, luminance[k])) * 255);
        }
        return StimulusFrame.newBuilder().setSessionId(session).setFrameIndex(t).setTimestampUs(t * 33_333L)
                .setWidth(width).setHeight(height).setPixelFormat(PixelFormat.GRAY8)
                .setPixels(ByteString.copyFrom(pixels)).build();
    }

    private static Prediction prediction(byte[] value) {
        try {
            return Prediction.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an undecodable prediction: " + e.getMessage(), e);
        }
    }

    private static String deadLetter(byte[] value) {
        try {
            DeadLetter d = DeadLetter.parseFrom(value);
            return d.getReason() + ": " + d.getDetail();
        } catch (InvalidProtocolBufferException e) {
            return "(an undecodable dead letter)";
        }
    }
}
