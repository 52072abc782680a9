/**
 * Training the twin on the DJL PyTorch engine, as fnn trains it ({@code fnn/train}).
 *
 * <ul>
 *   <li>{@link io.twinloop.inference.training.Trainer}: epochs of batches of clips; per batch a fresh
 *       state, every frame in order, the mean {@link io.twinloop.inference.training.PoissonLoss} after
 *       the burn-in, backward, {@link io.twinloop.inference.training.NesterovSgd} (fnn's SgdClip:
 *       gradient scale, {@link io.twinloop.inference.training.AdaptiveGradientClipping}, Nesterov
 *       momentum, weight decay) or {@link io.twinloop.inference.training.Adam}; the learning rate per epoch from
 *       {@link io.twinloop.inference.training.CosineSchedule} (warm-up, cosine, warm restarts);
 *       validation batches on the same clips every epoch; {@link io.twinloop.inference.training.EpochMetrics}
 *       to listeners and a CSV;
 *       a {@link io.twinloop.inference.training.TrainingCheckpoint} per epoch that resumes exactly;
 *       {@code freeze(prefixes)} for transfer to a new mouse; {@code stopWhen(requested)} to stop between
 *       batches ({@link io.twinloop.inference.training.TrainingStoppedException}).</li>
 *   <li>{@link io.twinloop.inference.training.TrainableModel}: what a model must offer; the test
 *       {@code RecurrentLnpModel} is a small one.</li>
 *   <li>{@link io.twinloop.inference.training.FnnParameterAttributes}: fnn's per-parameter scale,
 *       decay and norm axes from state-dict keys.</li>
 *   <li>{@code data}: trials on disk (fnn's training layout, Sensorium 2023), read one clip at a
 *       time.</li>
 * </ul>
 *
 * <pre>{@code
 * TrialSource trials = FnnTrainingLayout.open(Path.of("/data/mouse1"));   // or SensoriumLayout.open(...)
 * TrainingConfig config = new TrainingConfig(
 *         0.1,                                                 // peak learning rate
 *         new NesterovSgd.Settings(1e-4, 0.9, true, 0.1, 1e-3), // decay, momentum, nesterov, clip, eps
 *         new CosineSchedule(100, 10, 2),                      // cycle, warm-up epochs, warm-up cycles
 *         42, 70, 5, 512, 64, 10, true);                       // seed, clip length, clips per batch,
 *                                                              // training and validation batches,
 *                                                              // burn-in frames, one stream per batch
 * Trainer trainer = new Trainer(model, trials, config, manager)
 *         .freeze("core")                                      // transfer: fit the rest
 *         .checkpointTo(Path.of("runs/mouse1/checkpoint"))
 *         .metricsTo(Path.of("runs/mouse1/metrics.csv"))
 *         .showProgress(true)
 *         .stopWhen(() -> stopping);                           // e.g. set by a shutdown hook
 * // trainer.resume(Path.of("runs/mouse1/checkpoint"));      // to continue a run
 * trainer.run(100);
 * }</pre>
 */
package io.twinloop.inference.training;
