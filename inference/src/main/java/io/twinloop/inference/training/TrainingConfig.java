package io.twinloop.inference.training;

/**
 * How to train, with fnn's names in brackets ({@code scripts/config.yaml}).
 *
 * @param peakLearningRate  peak learning rate [optimizer.lr]
 * @param sgd               the rest of the optimiser [optimizer.decay, momentum, nesterov, clip, eps]
 * @param schedule          warm-up, cosine decay and restarts [scheduler]
 * @param seed              added to every epoch's seed [optimizer.seed]
 * @param clipLength        frames per clip [loader.sample_size], 70 in the paper
 * @param batchSize         clips per batch [loader.batch_size], 5 in the paper
 * @param trainingBatches   training batches per epoch [loader.training_size]
 * @param validationBatches validation batches per epoch [loader.validation_size]
 * @param burninFrames      leading frames of each clip left out of the loss [objective.burnin_frames]
 * @param sampleStream      train one random stream per batch [objective.sample_stream]
 */
public record TrainingConfig(double peakLearningRate, NesterovSgd.Settings sgd, CosineSchedule schedule, long seed,
                             int clipLength, int batchSize, int trainingBatches, int validationBatches,
                             int burninFrames, boolean sampleStream) {

    public TrainingConfig {
        if (peakLearningRate <= 0) {
            throw new IllegalArgumentException("learning rate must be > 0");
        }
        if (clipLength <= 0 || batchSize <= 0 || trainingBatches < 0 || validationBatches < 0) {
            throw new IllegalArgumentException("clip length and batch size must be > 0, batch counts >= 0");
        }
        if (burninFrames < 0 || burninFrames >= clipLength) {
            throw new IllegalArgumentException("burn-in must leave at least one frame of a clip in the loss");
        }
    }
}
