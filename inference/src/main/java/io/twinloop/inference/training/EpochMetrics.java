package io.twinloop.inference.training;

/**
 * What one epoch did.
 *
 * @param cycle            warm-restart cycle of the epoch
 * @param epoch            epoch within the cycle
 * @param learningRate     the epoch's learning rate
 * @param seed             the epoch's random seed
 * @param trainingLoss     mean objective over training batches (Poisson loss per unit and frame)
 * @param validationLoss   mean objective over validation batches, NaN without validation
 * @param gradientNorm     mean over batches of the global norm of the scaled gradients, before clipping
 * @param droppedGradients parameter gradients dropped for being non-finite, summed over batches
 * @param clipsPerSecond   training clips per second of wall time
 * @param seconds          wall time of the epoch
 */
public record EpochMetrics(int cycle, int epoch, double learningRate, long seed, double trainingLoss,
                           double validationLoss, double gradientNorm, int droppedGradients, double clipsPerSecond, double seconds) {

    static final String CSV_HEADER =
            "cycle,epoch,learning_rate,seed,training_loss,validation_loss,gradient_norm,dropped_gradients,clips_per_second,seconds";

    String csvRow() {
        return cycle + "," + epoch + "," + learningRate + "," + seed + "," + trainingLoss + "," + validationLoss + ","
                + gradientNorm + "," + droppedGradients + "," + clipsPerSecond + "," + seconds;
    }
}
