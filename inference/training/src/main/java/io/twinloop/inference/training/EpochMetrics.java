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

    static EpochMetrics fromCsvRow(String row) {
        String[] f = row.split(",");
        return new EpochMetrics(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]),
                Long.parseLong(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                Integer.parseInt(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]));
    }

    String csvRow() {
        return cycle + "," + epoch + "," + learningRate + "," + seed + "," + trainingLoss + "," + validationLoss + ","
                + gradientNorm + "," + droppedGradients + "," + clipsPerSecond + "," + seconds;
    }
}
