package io.twinloop.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinloop.ops.broker.RigProducer;
import io.twinloop.ops.client.LatencyBreakdown;
import io.twinloop.ops.client.LatencyBreakdown.Stage;
import io.twinloop.ops.client.PredictionCollector;
import io.twinloop.ops.service.TwinloopService;
import io.twinloop.simulator.rig.KafkaRigSink;
import io.twinloop.simulator.rig.RigConfig;
import io.twinloop.simulator.rig.RigReport;
import io.twinloop.simulator.rig.RigSimulator;
import io.twinloop.simulator.rig.SessionPlan;
import io.twinloop.simulator.stimuli.DomainKind;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code twinloop demo}: the service and a simulated rig together, ending with one line of JSON
 * that says whether every frame got its prediction and how long it took.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the service with a simulated rig of N sessions at 30 Hz and print one JSON line:"
                + " frames_sent, predictions_received, lost, duplicated, rejected, latency_ms, model_step_ms.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--sessions", defaultValue = "2", description = "concurrent rig sessions (default: ${DEFAULT-VALUE})")
    int sessions;

    @Option(names = "--seconds", defaultValue = "20", description = "how long the rig runs (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--stimulus", defaultValue = "NATURAL_MOVIES",
            description = "what the rig shows: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    DomainKind stimulus;

    @Option(names = "--drain-seconds", defaultValue = "60",
            description = "how long to wait after the rig stops for the last predictions (default: ${DEFAULT-VALUE})")
    long drainSeconds;

    @Option(names = "--warm-up-seconds", defaultValue = "3",
            description = "a warm-up session run through the whole pipeline before the measured ones, not counted:"
                    + " the first second after a start is spent compiling hot code (default: ${DEFAULT-VALUE})")
    double warmUpSeconds;

    @Mixin
    ServingOptions serving;

    @Override
    public Integer call() throws Exception {
        serving.model.configureThreads(1);
        serving.kafka.useFreshDemoData();
        try (KafkaOptions.Connection connection = serving.kafka.connect();
             TwinloopService running = TwinloopService.start(
                     serving.service.toServiceOptions(connection.bootstrapServers(), serving.kafka.dataDir()),
                     serving.model.createStepper("demo", ServingOptions.LARGEST_CHECKED_BATCH),
                     serving.model.modelId());
             PredictionCollector collector = new PredictionCollector(connection.bootstrapServers(), p -> { });
             KafkaProducer<String, byte[]> producer = RigProducer.create(connection.bootstrapServers())) {
            running.distrustNumerics(serving.model.untrustedNumerics());
            running.awaitRunning(Duration.ofSeconds(120));
            collector.start(Duration.ofSeconds(60));

            String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
            if (warmUpSeconds > 0) {
                warmUp(producer, collector, run);
            }
            List<SessionPlan> plans = plans("demo-" + run, seconds, 1000L);
            long frames = plans.get(0).frames();
            System.err.printf("twinloop demo: %d sessions x %d frames at 30 Hz; http://%s:%d/metrics%n",
                    sessions, frames, serving.service.httpHost, running.httpPort());
            RigReport sent = new RigSimulator(RigConfig.realTime(), plans, new KafkaRigSink(producer)).run();
            producer.flush();

            long deadline = System.nanoTime() + Duration.ofSeconds(drainSeconds).toNanos();
            while (collector.unique() < sent.totalFrames() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(500); // late duplicates or dead letters would arrive now
            System.out.println(summary(sent, collector));
            collector.close();
        }
        return 0;
    }

    /** @return one plan per session, ids {@code <prefix>-1..N}, showing the chosen stimulus for {@code secs} */
    private List<SessionPlan> plans(String prefix, double secs, long seedBase) {
        long frames = SessionPlan.framesFor(Duration.ofMillis(Math.round(secs * 1000)), 30);
        List<SessionPlan> plans = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            plans.add(SessionPlan.of(prefix + "-" + (i + 1), "mouse-" + (i + 1), serving.model.modelId(), stimulus,
                    seedBase + i, frames));
        }
        return plans;
    }

    /** Runs warm-up sessions (as many as the measured ones) in real time and waits for their predictions. */
    private void warmUp(KafkaProducer<String, byte[]> producer, PredictionCollector collector, String run)
            throws InterruptedException {
        RigReport warm = new RigSimulator(RigConfig.realTime(),
                plans(PredictionCollector.WARM_UP_PREFIX + run, warmUpSeconds, 1L), new KafkaRigSink(producer)).run();
        long deadline = System.nanoTime() + Duration.ofSeconds(drainSeconds).toNanos();
        while (collector.warmUpReceived() < warm.totalFrames() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }


    static String summary(RigReport sent, PredictionCollector collector) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        long framesSent = sent.totalFrames();
        out.put("frames_sent", framesSent);
        out.put("predictions_received", collector.received());
        out.put("lost", Math.max(0, framesSent - collector.unique()));
        out.put("duplicated", collector.duplicated());
        out.put("out_of_order", collector.outOfOrder());
        out.put("rejected", collector.rejected());
        LatencyBreakdown latency = collector.latency();
        ObjectNode total = out.putObject("latency_ms");
        total.put("p50", round(latency.percentileMs(Stage.TOTAL, 50)));
        total.put("p99", round(latency.percentileMs(Stage.TOTAL, 99)));
        total.put("max", round(latency.maxMs(Stage.TOTAL)));
        ObjectNode step = out.putObject("model_step_ms");
        step.put("p50", round(latency.percentileMs(Stage.MODEL_STEP, 50)));
        step.put("p99", round(latency.percentileMs(Stage.MODEL_STEP, 99)));
        ObjectNode stages = out.putObject("stages_ms");
        for (Stage stage : List.of(Stage.STREAM, Stage.QUEUE, Stage.MODEL_STEP, Stage.DELIVER, Stage.OVERHEAD)) {
            ObjectNode s = stages.putObject(stage.name().toLowerCase());
            s.put("p50", round(latency.percentileMs(stage, 50)));
            s.put("p99", round(latency.percentileMs(stage, 99)));
        }
        out.put("rig_max_lateness_ms", round(sent.maxLatenessMicros() / 1000.0));
        return out.toString();
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }
}
