package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.NoGrad;
import io.twinloop.inference.training.data.ClipRequest;
import io.twinloop.inference.training.data.ClipSampler;
import io.twinloop.inference.training.data.FnnTrainingLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.twinloop.inference.training.SyntheticRecording.FEATURES;
import static io.twinloop.inference.training.SyntheticRecording.MODULATIONS;
import static io.twinloop.inference.training.SyntheticRecording.PIXELS;
import static io.twinloop.inference.training.SyntheticRecording.UNITS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    private static final int FRAMES = 60;

    @TempDir
    static Path recording;
    private static NDManager manager;
    private static FnnTrainingLayout layout;

    @BeforeAll
    static void writeRecording() throws IOException {
        SyntheticRecording.write(recording, 8, 2, FRAMES, 11);
        layout = FnnTrainingLayout.open(recording);
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static TrainingConfig config(double lr, CosineSchedule schedule) {
        return new TrainingConfig(lr, new NesterovSgd.Settings(1e-4, 0.9, true, 1.0, 1e-3), schedule, 42, 12, 4, 12, 2, 3,
                true);
    }

    private static RecurrentLnpModel model(NDManager m, Map<String, float[]> values) {
        return new RecurrentLnpModel(m, values, PIXELS, FEATURES, UNITS, MODULATIONS);
    }

    /** @return the objective over the whole validation trials (no burn-in), the same for every model */
    private static double validationLoss(TrainableModel model, NDManager m) throws IOException {
        ClipSampler whole = new ClipSampler(layout, FRAMES, 1);
        List<ClipRequest> requests = new ArrayList<>();
        for (String trial : layout.trials(false)) {
            requests.add(new ClipRequest(trial, 0, FRAMES));
        }
        try (NDManager sub = m.newSubManager(); NoGrad noGrad = new NoGrad()) {
            return new ClipObjective(model, 0).loss(whole.load(requests), null, false, sub).getFloat();
        }
    }

    @Test
    void lossGoesDownTowardsTheTrueModel() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            RecurrentLnpModel model = model(m, SyntheticRecording.initialParameters(1));
            double initial = validationLoss(model, m);
            double truth = validationLoss(model(m, SyntheticRecording.trueParameters()), m);
            Trainer trainer = new Trainer(model, layout, config(0.05, new CosineSchedule(6, 1, 1)), m);
            List<EpochMetrics> epochs = trainer.run(12);
            double trained = validationLoss(model, m);

            assertTrue(initial - truth > 1, "the start must be far from the truth: " + initial + " vs " + truth);
            assertTrue(trained - truth < 0.05 * (initial - truth),
                    "trained loss " + trained + " should be close to the true model's " + truth + " (start " + initial + ")");
            assertTrue(epochs.get(11).trainingLoss() < epochs.get(0).trainingLoss() - 1);
            // warm-up, cosine decay, warm restart at epoch 6 (cycle 1 has no warm-up)
            assertEquals(0.025, epochs.get(0).learningRate(), 1e-12);
            assertEquals(0.05, epochs.get(1).learningRate(), 1e-12);
            assertTrue(epochs.get(5).learningRate() < epochs.get(4).learningRate());
            assertEquals(new SchedulePosition(1, 0), new SchedulePosition(epochs.get(6).cycle(), epochs.get(6).epoch()));
            assertEquals(0.05, epochs.get(6).learningRate(), 1e-12);
            for (EpochMetrics e : epochs) {
                assertTrue(Double.isFinite(e.validationLoss()) && e.gradientNorm() > 0 && e.clipsPerSecond() > 0);
            }
        }
    }

    @Test
    void frozenCoreTransferRecoversReadout() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Map<String, float[]> truth = SyntheticRecording.trueParameters();
            Map<String, float[]> start = SyntheticRecording.initialParameters(2);
            start.put("core.weight", truth.get("core.weight"));
            start.put("core.leak", truth.get("core.leak"));
            RecurrentLnpModel model = model(m, start);
            Trainer trainer = new Trainer(model, layout, config(0.1, new CosineSchedule(12, 1, 1)), m).freeze("core")
                    .showProgress(true);
            assertEquals(List.of("modulation.weight", "readout.weight", "readout.bias"),
                    trainer.trainableParameters().stream().map(TrainableParameter::name).toList());
            trainer.run(12);

            assertArrayEquals(truth.get("core.weight"), model.tensor("core.weight").toFloatArray());
            assertArrayEquals(truth.get("core.leak"), model.tensor("core.leak").toFloatArray());
            assertFalse(trainer.momentumBuffers().containsKey("core.weight"));
            assertTrue(meanAbsoluteError(truth.get("modulation.weight"), model.tensor("modulation.weight")) < 0.05);
            assertTrue(maxAbsoluteError(truth.get("modulation.weight"), model.tensor("modulation.weight")) < 0.1);
            assertTrue(meanAbsoluteError(truth.get("readout.weight"), model.tensor("readout.weight")) < 0.15);
            assertEquals(validationLoss(model(m, truth), m), validationLoss(model, m), 0.02);
        }
    }

    @Test
    void resumedRunMatchesUninterruptedRunExactly(@TempDir Path work) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            TrainingConfig config = config(0.05, new CosineSchedule(6, 1, 1));
            RecurrentLnpModel straight = model(m, SyntheticRecording.initialParameters(3));
            Trainer straightTrainer = new Trainer(straight, layout, config, m);
            List<EpochMetrics> straightEpochs = straightTrainer.run(2);

            Path checkpoint = work.resolve("checkpoint");
            Path csv = work.resolve("metrics.csv");
            RecurrentLnpModel first = model(m, SyntheticRecording.initialParameters(3));
            new Trainer(first, layout, config, m).checkpointTo(checkpoint).metricsTo(csv).run(1);

            RecurrentLnpModel resumed = model(m, SyntheticRecording.initialParameters(4));
            Trainer resumedTrainer = new Trainer(resumed, layout, config, m).checkpointTo(checkpoint).metricsTo(csv);
            resumedTrainer.resume(checkpoint);
            assertEquals(new SchedulePosition(0, 1), resumedTrainer.position());
            EpochMetrics second = resumedTrainer.runEpoch();

            for (TrainableParameter p : straight.parameters()) {
                assertArrayEquals(p.value().toFloatArray(), resumed.tensor(p.name()).toFloatArray(), p.name());
                assertArrayEquals(straightTrainer.momentumBuffers().get(p.name()).toFloatArray(),
                        resumedTrainer.momentumBuffers().get(p.name()).toFloatArray(), p.name());
            }
            assertEquals(straightEpochs.get(1).trainingLoss(), second.trainingLoss());
            assertEquals(straightEpochs.get(1).validationLoss(), second.validationLoss());
            List<String> rows = Files.readAllLines(csv);
            assertEquals(3, rows.size(), "header and one row per epoch: " + rows);
            assertTrue(rows.get(0).startsWith("cycle,epoch,learning_rate"));
            assertTrue(rows.get(2).startsWith("0,1,0.05,43,"));
            assertEquals(new SchedulePosition(0, 2), TrainingCheckpoint.load(checkpoint, m).next());

            Trainer transfer = new Trainer(model(m, SyntheticRecording.initialParameters(4)), layout, config, m).freeze("core");
            IOException mismatch = assertThrows(IOException.class, () -> transfer.resume(checkpoint));
            assertTrue(mismatch.getMessage().contains("froze []"), mismatch.getMessage());
        }
    }

    @Test
    void adamRunResumesExactlyAndRefusesAnSgdCheckpoint(@TempDir Path work) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            TrainingConfig adam = new TrainingConfig(0.01, Adam.Settings.defaults(), new CosineSchedule(6, 1, 1), 42,
                    12, 4, 12, 2, 3, true);
            RecurrentLnpModel straight = model(m, SyntheticRecording.initialParameters(3));
            List<EpochMetrics> straightEpochs = new Trainer(straight, layout, adam, m).run(2);

            Path checkpoint = work.resolve("adam");
            new Trainer(model(m, SyntheticRecording.initialParameters(3)), layout, adam, m).checkpointTo(checkpoint)
                    .run(1);
            RecurrentLnpModel resumed = model(m, SyntheticRecording.initialParameters(4));
            Trainer resumedTrainer = new Trainer(resumed, layout, adam, m);
            resumedTrainer.resume(checkpoint);
            assertTrue(resumedTrainer.momentumBuffers().containsKey("core.weight" + Adam.SECOND));
            EpochMetrics second = resumedTrainer.runEpoch();
            for (TrainableParameter p : straight.parameters()) {
                assertArrayEquals(p.value().toFloatArray(), resumed.tensor(p.name()).toFloatArray(), p.name());
            }
            assertEquals(straightEpochs.get(1).trainingLoss(), second.trainingLoss());

            Path sgdCheckpoint = work.resolve("sgd");
            TrainingConfig sgd = config(0.05, new CosineSchedule(6, 1, 1));
            new Trainer(model(m, SyntheticRecording.initialParameters(3)), layout, sgd, m).checkpointTo(sgdCheckpoint)
                    .run(1);
            RecurrentLnpModel untouched = model(m, SyntheticRecording.initialParameters(5));
            float[] before = untouched.tensor("core.weight").toFloatArray();
            IOException refused = assertThrows(IOException.class,
                    () -> new Trainer(untouched, layout, adam, m).resume(sgdCheckpoint));
            assertTrue(refused.getMessage().contains("trained with SGD"), refused.getMessage());
            assertArrayEquals(before, untouched.tensor("core.weight").toFloatArray(), "no parameter changed");
        }
    }

    @Test
    void everyEpochValidatesOnTheSameClipsSoThatEpochsCompare() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            // no training batches: the parameters stay, so only the validation clips could change the loss
            TrainingConfig validateOnly = new TrainingConfig(0.05, new NesterovSgd.Settings(1e-4, 0.9, true, 1.0, 1e-3),
                    new CosineSchedule(6, 1, 1), 42, 12, 4, 0, 2, 3, true);
            List<EpochMetrics> epochs = new Trainer(model(m, SyntheticRecording.initialParameters(3)), layout,
                    validateOnly, m).run(3);
            assertTrue(Double.isFinite(epochs.get(0).validationLoss()));
            assertEquals(epochs.get(0).validationLoss(), epochs.get(1).validationLoss());
            assertEquals(epochs.get(0).validationLoss(), epochs.get(2).validationLoss());
        }
    }

    @Test
    void aStopRequestEndsTheEpochBetweenBatchesAndTheCheckpointKeepsTheLastFinishedOne(@TempDir Path work)
            throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Path checkpoint = work.resolve("checkpoint");
            Path csv = work.resolve("metrics.csv");
            AtomicInteger checks = new AtomicInteger();
            // config(): 12 training and 2 validation batches per epoch; the stop comes after 2 batches of epoch 1
            Trainer trainer = new Trainer(model(m, SyntheticRecording.initialParameters(3)), layout,
                    config(0.05, new CosineSchedule(6, 1, 1)), m).checkpointTo(checkpoint).metricsTo(csv)
                    .stopWhen(() -> checks.incrementAndGet() > 14 + 2);
            trainer.runEpoch();
            TrainingStoppedException stopped = assertThrows(TrainingStoppedException.class, trainer::runEpoch);
            assertEquals(new SchedulePosition(0, 1), stopped.position());
            assertTrue(stopped.getMessage().contains("after 2 of 12 training batches"), stopped.getMessage());
            assertEquals(new SchedulePosition(0, 1), TrainingCheckpoint.load(checkpoint, m).next(),
                    "the checkpoint still holds epoch 0 only");
            assertEquals(2, Files.readAllLines(csv).size(), "header and the finished epoch's row");
        }
    }

    private static double meanAbsoluteError(float[] expected, NDArray actual) {
        float[] a = actual.toFloatArray();
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - expected[i]);
        }
        return sum / a.length;
    }

    private static double maxAbsoluteError(float[] expected, NDArray actual) {
        float[] a = actual.toFloatArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - expected[i]));
        }
        return max;
    }
}
