package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BestValidationEpochTest {

    @Test
    void putsBackTheParametersOfTheEpochWithTheLowestFiniteValidationLoss() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(new float[] {0f, 0f});
            List<TrainableParameter> parameters = List.of(TrainableParameter.of("w", weight));
            double[] validation = {0.5, 0.3, 0.4, Double.NaN, 0.3};
            try (BestValidationEpoch best = new BestValidationEpoch(parameters, manager)) {
                for (int epoch = 0; epoch < validation.length; epoch++) {
                    weight.set(new NDIndex("..."), (float) epoch + 1);
                    best.offer(epoch(epoch, validation[epoch]));
                }
                assertEquals(1, best.restore(), "the first of two equal losses is kept; NaN never is");
                assertArrayEquals(new float[] {2f, 2f}, weight.toFloatArray());
            }
        }
    }

    @Test
    void leavesTheParametersAloneWhenNoEpochWasValidated() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(new float[] {7f});
            List<TrainableParameter> parameters = List.of(TrainableParameter.of("w", weight));
            try (BestValidationEpoch best = new BestValidationEpoch(parameters, manager)) {
                best.offer(epoch(0, Double.NaN));
                weight.set(new NDIndex("..."), 9f);
                assertEquals(-1, best.restore());
                assertArrayEquals(new float[] {9f}, weight.toFloatArray());
            }
        }
    }

    private static EpochMetrics epoch(int index, double validationLoss) {
        return new EpochMetrics(0, index, 0.1, index, 1.0, validationLoss, 1.0, 0, 10, 1);
    }
}
