package io.twinloop.inference.training;

/**
 * How to train, with fnn's names in brackets ({@code scripts/config.yaml}).
 *
 * @param peakLearningRate  peak learning rate [optimizer.lr]
 * @param optimiser         the rest of the optimiser: fnn's SGD [optimizer.decay, momentum, nesterov, clip, eps],
 *                          or Adam
 * @param schedule          warm-up, cosine decay and restarts [scheduler]
 * @param seed              added to every epoch's seed [optimizer.seed]
 * @param clipLength        frames per clip [loader.sample_size], 70 in the paper
 * @param batchSize         clips per batch [loader.batch_size], 5 in the paper
 * @param trainingBatches   training batches per epoch [loader.training_size]
 * @param validationBatches validation batches per epoch [loader.validation_size]
 * @param burninFrames      leading frames of each clip left out of the loss [objective.burnin_frames]
 * @param sampleStream      train one random stream per batch [objective.sample_stream]
 */
public record TrainingConfig(double peakLearningRate, OptimiserSettings optimiser, CosineSchedule schedule, long seed,
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

    /**
     * @return every setting in one line, the seed left out (a run adds its own): what a saved result records, so
     *         that a later run with other settings does not mistake it for its own
     */
    public String describe() {
        return optimiser.describe() + ", peak lr " + peakLearningRate + "; " + schedule.describe() + "; "
                + trainingBatches + " batches of " + batchSize + " clips of " + clipLength + " frames, burn-in "
                + burninFrames + "; " + validationBatches + " validation batches"
                + (sampleStream ? "; one stream per batch" : "");
    }
}
