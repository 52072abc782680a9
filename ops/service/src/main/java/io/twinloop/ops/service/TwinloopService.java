package io.twinloop.ops.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.twinloop.inference.model.numerics.ComputeEnvironment;
import io.twinloop.inference.session.SessionStepper;
import io.twinloop.inference.worker.InferenceWorker;
import io.twinloop.inference.worker.WorkerMetrics;
import io.twinloop.ops.http.HealthCheck;
import io.twinloop.ops.http.StatusServer;
import io.twinloop.stream.StreamConfig;
import io.twinloop.stream.TwinloopStreams;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running service: the stream stage (validate, order, align), one inference worker (batch,
 * step, predict) and the HTTP status port, over one Kafka cluster.
 */
public final class TwinloopService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TwinloopService.class);

    private final KafkaStreams streams;
    private final InferenceWorker worker;
    private final Thread workerThread;
    private final StatusServer status;
    private final WorkerMetrics workerMetrics;
    private final PrometheusMeterRegistry registry;
    private final List<MeterBinder> binders;
    /** why the model's numbers cannot be trusted (its numerics self-check failed), or null */
    private final AtomicReference<String> distrusted;

    private TwinloopService(KafkaStreams streams, InferenceWorker worker, Thread workerThread, StatusServer status,
                            WorkerMetrics workerMetrics, PrometheusMeterRegistry registry, List<MeterBinder> binders,
                            AtomicReference<String> distrusted) {
        this.registry = registry;
        this.binders = binders;
        this.distrusted = distrusted;
        this.streams = streams;
        this.worker = worker;
        this.workerThread = workerThread;
        this.status = status;
        this.workerMetrics = workerMetrics;
    }

    /**
     * Starts every stage. The topics must exist.
     *
     * @param stepper the model; the service owns it from now on
     * @param modelId the id sessions name to be served by this model
     */
    public static TwinloopService start(ServiceOptions options, SessionStepper stepper, String modelId)
            throws InterruptedException {
        KafkaStreams streams = TwinloopStreams.create(
                StreamConfig.of(options.bootstrapServers(), options.applicationId(), options.stateDir())
                        .withMaxWait(options.telemetryMaxWait()));
        streams.start();
        LOG.info("{}", ComputeEnvironment.current().describe());

        warmUp(stepper);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<MeterBinder> binders = List.of(new JvmMemoryMetrics(), new JvmGcMetrics(), new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics(),
                new KafkaStreamsMetrics(streams));
        binders.forEach(binder -> binder.bindTo(registry));
        Gauge.builder("twinloop.stream.running", streams, s -> s.state().isRunningOrRebalancing() ? 1 : 0)
                .description("1 when the Kafka Streams stage is running.").register(registry);
        WorkerMetrics metrics = new WorkerMetrics(registry);
        InferenceWorker worker = new InferenceWorker(options.bootstrapServers(),
                options.applicationId() + "-inference", stepper, modelId, metrics, options.sessionIdleTimeout());
        Thread thread = new Thread(worker, "twinloop-inference");
        thread.setDaemon(true);
        thread.start();

        AtomicReference<String> distrusted = new AtomicReference<>();
        HealthCheck health = () -> {
            if (distrusted.get() != null) {
                return new HealthCheck.Status(HealthCheck.State.DOWN, distrusted.get());
            }
            if (!streams.state().isRunningOrRebalancing()) {
                return new HealthCheck.Status(false, "stream stage is " + streams.state());
            }
            InferenceWorker.Health inference = thread.isAlive() ? worker.health()
                    : new InferenceWorker.Health(InferenceWorker.State.DOWN, "inference worker stopped");
            return switch (inference.state()) {
                case UP -> new HealthCheck.Status(HealthCheck.State.UP,
                        "stream " + streams.state() + ", " + inference.detail());
                case DEGRADED -> new HealthCheck.Status(HealthCheck.State.DEGRADED, inference.detail());
                case DOWN -> new HealthCheck.Status(HealthCheck.State.DOWN, inference.detail());
            };
        };
        StatusServer status = StatusServer.start(options.httpHost(), options.httpPort(), health, registry,
                io.twinloop.ops.http.LiveConsole.start(options.bootstrapServers()));
        LOG.info("twinloop serving model '{}' on {}; status on http://{}:{}/health", modelId,
                options.bootstrapServers(), options.httpHost(), status.port());
        return new TwinloopService(streams, worker, thread, status, metrics, registry, binders, distrusted);
    }

    /**
     * Steps throw-away sessions a few times so that libtorch's one-time set-up (kernel selection,
     * allocator growth) happens before the first rig frame, not during it.
     */
    private static void warmUp(SessionStepper stepper) {
        int height = 144;
        int width = 256;
        // every batch size up to 4, fresh and warm: libtorch prepares kernels per input shape
        for (int batch = 1; batch <= 4; batch++) {
            List<SessionStepper.FrameInput> frames = new java.util.ArrayList<>();
            for (int i = 0; i < batch; i++) {
                String session = "__twinloop_warmup_" + i + "__";
                stepper.open(session);
                frames.add(new SessionStepper.FrameInput(session, new float[height * width], height, width,
                        new float[2], new float[2]));
            }
            try {
                for (int step = 0; step < 3; step++) {
                    stepper.step(frames);
                }
            } finally {
                frames.forEach(f -> stepper.close(f.sessionId()));
            }
        }
    }

    /** Waits until the stream stage is running and the inference worker holds its partitions. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING || !worker.isAssigned()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stream stage not running after " + timeout + ": " + streams.state());
            }
            Thread.sleep(20);
        }
    }

    /**
     * Marks the service's numbers as untrusted: {@code /health} answers DOWN with {@code reason} from now on (a model
     * served although its numerics self-check failed). A null reason changes nothing.
     */
    public void distrustNumerics(String reason) {
        if (reason != null) {
            distrusted.set(reason);
            LOG.warn("health DOWN: {}", reason);
        }
    }

    public int httpPort() {
        return status.port();
    }

    /** @return the registry behind {@code /metrics} */
    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    public WorkerMetrics workerMetrics() {
        return workerMetrics;
    }

    @Override
    public void close() throws InterruptedException {
        status.close();
        worker.close();
        workerThread.join(10_000);
        streams.close(Duration.ofSeconds(10));
        for (MeterBinder binder : binders) {
            if (binder instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.warn("closing metrics {} failed: {}", binder, e.toString());
                }
            }
        }
        registry.close();
    }
}
