package io.twinloop.inference.worker;

import io.twinloop.proto.DeadLetters;
import io.twinloop.proto.Topics;
import io.twinloop.proto.WallClock;
import io.twinloop.proto.v1.AlignedFrame;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.Prediction;
import io.twinloop.proto.v1.StimulusFrame;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Publishes predictions and dead letters, each with a send callback. An output counts as sent only when the
 * broker acknowledged it; only then is its input done in the {@link OffsetBook}, so an unacknowledged input
 * is never committed. A send that fails (after the producer's own retries, i.e. its delivery timeout) is
 * queued and sent again by {@link #retryFailed()} on the worker's next loop: retried, not dropped.
 */
final class PredictionPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(PredictionPublisher.class);

    /** Told of every acknowledged output. Called on the producer's I/O thread. */
    interface PublishObserver {
        void predictionSent(Prediction prediction, long ackedAtUs);

        void deadLetterSent(DeadLetterReason reason);

        void sendFailed(String topic, Exception error);
    }

    /** One output and the input it answers. */
    private record Output(ProducerRecord<String, byte[]> record, TopicPartition source, long offset,
                          Prediction prediction, DeadLetterReason reason, boolean answersInput) {
    }

    private Producer<String, byte[]> producer;
    private final OffsetBook offsets;
    private final String modelId;
    private final PublishObserver observer;
    private final ConcurrentLinkedQueue<Output> failed = new ConcurrentLinkedQueue<>();

    PredictionPublisher(OffsetBook offsets, String modelId, PublishObserver observer) {
        this.offsets = offsets;
        this.modelId = modelId;
        this.observer = observer;
    }

    /**
     * Sends with {@code producer} from now on. The worker gives each run of its poll loop a fresh producer;
     * outputs that failed with the old one are sent again with the new one.
     */
    void use(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /** Sends the prediction of a stepped frame read from {@code source} at {@code offset}. */
    void publish(FrameStepper.Stepped stepped, TopicPartition source, long offset) {
        AlignedFrame aligned = stepped.input().getFrame();
        StimulusFrame frame = aligned.getFrame();
        String session = stepped.input().getSessionId();
        Prediction.Builder prediction = Prediction.newBuilder()
                .setSessionId(session)
                .setFrameIndex(frame.getFrameIndex())
                .setFrameTimestampUs(frame.getTimestampUs())
                .setModelId(modelId)
                .setPublishedAtUs(frame.getPublishedAtUs())
                .setAlignedAtUs(aligned.getAlignedAtUs())
                .setStepStartedAtUs(stepped.startedUs())
                .setStepFinishedAtUs(stepped.finishedUs())
                .setTelemetryHeld(aligned.getTelemetryHeld())
                .setBatchSize(stepped.batchSize());
        for (float v : stepped.rates()) {
            prediction.addValues(v);
        }
        Prediction built = prediction.build();
        send(new Output(new ProducerRecord<>(Topics.PREDICTIONS, session, built.toByteArray()), source, offset,
                built, null, true));
    }

    /**
     * Sends a dead letter for the input read from {@code source} at {@code offset}.
     *
     * @param session  the session id if known, else null
     * @param original the input's bytes, may be null
     */
    void deadLetter(String session, Rejection rejection, byte[] original, TopicPartition source, long offset) {
        ProducerRecord<String, DeadLetter> letter = DeadLetters.record(rejection.reason(), rejection.detail(),
                session, original, source.topic(), source.partition(), offset);
        LOG.warn("rejected {}@{} of session {}: {} ({})", source, offset, session, letter.value().getReason(),
                rejection.detail());
        send(new Output(new ProducerRecord<>(letter.topic(), null, letter.key(), letter.value().toByteArray(),
                letter.headers()), source, offset, null, rejection.reason(), true));
    }

    /**
     * Sends a dead letter that answers no input (a session closed as idle): it names the partition and offset of
     * the session's last record, but its acknowledgement marks nothing done in the {@link OffsetBook}.
     */
    void notice(String session, Rejection rejection, TopicPartition lastSource, long lastOffset) {
        ProducerRecord<String, DeadLetter> letter = DeadLetters.record(rejection.reason(), rejection.detail(),
                session, null, lastSource.topic(), lastSource.partition(), lastOffset);
        LOG.warn("session {}: {} ({})", session, letter.value().getReason(), rejection.detail());
        send(new Output(new ProducerRecord<>(letter.topic(), null, letter.key(), letter.value().toByteArray(),
                letter.headers()), lastSource, lastOffset, null, rejection.reason(), false));
    }

    /** Sends again every output whose send failed, in the order they failed. */
    void retryFailed() {
        List<Output> again = new ArrayList<>();
        for (Output o; (o = failed.poll()) != null; ) {
            again.add(o);
        }
        again.forEach(this::send);
    }

    /** @return outputs whose last send failed and that wait to be sent again */
    int failedCount() {
        return failed.size();
    }

    void flush() {
        producer.flush();
    }

    private void send(Output output) {
        try {
            producer.send(output.record(), (metadata, error) -> acknowledged(output, error));
        } catch (RuntimeException e) {
            // the producer refused it outright (closed, fenced, buffer full): keep it for the next producer
            acknowledged(output, e);
            throw e;
        }
    }

    private void acknowledged(Output output, Exception error) {
        if (error == null) {
            if (output.answersInput()) {
                offsets.done(output.source(), output.offset());
            }
            if (output.prediction() != null) {
                observer.predictionSent(output.prediction(), WallClock.nowMicros());
            } else {
                observer.deadLetterSent(output.reason());
            }
        } else {
            LOG.warn("could not send to {} (input {}@{}), will retry: {}", output.record().topic(),
                    output.source(), output.offset(), error.toString());
            observer.sendFailed(output.record().topic(), error);
            failed.add(output);
        }
    }
}
