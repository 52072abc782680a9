package io.twinloop.stream;

import io.twinloop.proto.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * Settings of the alignment stream, and the Kafka Streams properties they imply.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param applicationId Streams application id (consumer group, prefix of internal topics)
 * @param stateDir where Streams keeps local state
 * @param maxWait how long a frame waits for telemetry at or after its time; zero never waits
 * @param waitCheckInterval how often waiting frames are looked at (wall clock and stream time)
 * @param stopGrace how long a stop waits for frames up to its last index that have not arrived
 * @param numStreamThreads stream threads of this instance
 * @param exactlyOnce exactly-once processing (default): see {@link #properties()}
 */
public record StreamConfig(String bootstrapServers, String applicationId, Path stateDir, Duration maxWait,
                           Duration waitCheckInterval, Duration stopGrace, int numStreamThreads,
                           boolean exactlyOnce) {
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(50);
    public static final Duration DEFAULT_WAIT_CHECK_INTERVAL = Duration.ofMillis(5);
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);

    public StreamConfig {
        if (maxWait.isNegative() || waitCheckInterval.isNegative() || waitCheckInterval.isZero()
                || stopGrace.isNegative() || numStreamThreads < 1) {
            throw new IllegalArgumentException("maxWait " + maxWait + ", waitCheckInterval " + waitCheckInterval
                    + ", stopGrace " + stopGrace + ", numStreamThreads " + numStreamThreads);
        }
    }

    /** Defaults for everything but where to connect and store: 50 ms wait, one thread, exactly once. */
    public static StreamConfig of(String bootstrapServers, String applicationId, Path stateDir) {
        return new StreamConfig(bootstrapServers, applicationId, stateDir, DEFAULT_MAX_WAIT,
                DEFAULT_WAIT_CHECK_INTERVAL, DEFAULT_STOP_GRACE, 1, true);
    }

    public StreamConfig withMaxWait(Duration maxWait) {
        return new StreamConfig(bootstrapServers, applicationId, stateDir, maxWait, waitCheckInterval, stopGrace,
                numStreamThreads, exactlyOnce);
    }

    public StreamConfig withNumStreamThreads(int numStreamThreads) {
        return new StreamConfig(bootstrapServers, applicationId, stateDir, maxWait, waitCheckInterval, stopGrace,
                numStreamThreads, exactlyOnce);
    }

    public StreamConfig withStateDir(Path stateDir) {
        return new StreamConfig(bootstrapServers, applicationId, stateDir, maxWait, waitCheckInterval, stopGrace,
                numStreamThreads, exactlyOnce);
    }

    public StreamConfig withExactlyOnce(boolean exactlyOnce) {
        return new StreamConfig(bootstrapServers, applicationId, stateDir, maxWait, waitCheckInterval, stopGrace,
                numStreamThreads, exactlyOnce);
    }

    /**
     * Kafka Streams properties, tuned for per-frame latency.
     *
     * <p>Exactly once, because the gate's memory of accepted frame indices is state: under
     * at-least-once a hard crash can leave that state (changelog) ahead of the aligned output, and
     * the frames processed again after the restart would be rejected as duplicates, never reaching
     * the model. Under exactly-once, state, output and offsets commit together. The output is
     * produced at once all the same (linger 0): consumers of {@code twinloop.aligned} that read
     * uncommitted (Kafka's default) see frames without waiting for the commit, and after a crash
     * may see a frame of an aborted transaction again: they drop indices they have already stepped.
     */
    public Properties properties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, numStreamThreads);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        // Streams lingers its producer 100 ms by default: every aligned frame would wait for it.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // The thread blocks in poll() up to this long when idle; the wall-clock wait check can only
        // run between polls, so it must not block longer than the check interval.
        props.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1, waitCheckInterval.toMillis()));
        // 0: when a partition of the task is empty but the broker has data for it, fetch first and
        // process in timestamp order (a start before its first frame); never idle waiting for
        // producers. Control is almost always empty, so any positive value would delay every frame
        // by that much. Telemetry that is late is the aligner's job (bounded wait), and a stop
        // processed before the last frames waits for them (stop grace).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        // Bad input is dead-lettered by our own code as DeadLetter protobufs. Anything unexpected
        // (a bug) goes to the same topic through Streams' built-in dead-letter queue, as the raw
        // record with __streams.errors.* headers, and the stream carries on.
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTER);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class);
        // Production errors keep the default (fail): continuing would silently drop an aligned frame.
        // TwinloopStreams replaces the failed thread, which resumes from the last commit.
        return props;
    }
}
