package io.twinloop.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.training.data.Clip;
import io.twinloop.inference.training.data.ClipBatch;
import io.twinloop.inference.training.data.FrameInputs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClipObjectiveTest {

    /** Log rate = number of frames seen since the state was fresh (0, 1, 2, ...), for every unit. */
    private static final class FrameCounter implements TrainableModel {
        final List<String> calls = new ArrayList<>();

        @Override
        public List<TrainableParameter> parameters() {
            return List.of();
        }

        @Override
        public int streams() {
            return 2;
        }

        @Override
        public NDArray logRates(FrameInputs inputs, NetworkState state, Integer stream, boolean training) {
            NDArray seen = state.get("count");
            NDArray count = seen == null ? inputs.perspective().zerosLike().get(":, 0:1") : seen.add(1);
            state.put("count", count);
            calls.add(stream + "/" + training);
            return count.broadcast(inputs.perspective().getShape().get(0), 3);
        }
    }

    private static Clip clip(int length, float target) {
        float[] units = new float[length * 3];
        java.util.Arrays.fill(units, target);
        return new Clip("t", 0, length, 1, 1, 1, new byte[length], new float[length * 2], new float[length * 2], units);
    }

    @Test
    void averagesPoissonLossOverFramesAfterBurninFromAFreshState() {
        FrameCounter model = new FrameCounter();
        ClipObjective objective = new ClipObjective(model, 2);
        ClipBatch batch = new ClipBatch(List.of(clip(5, 1f), clip(5, 1f)));
        try (NDManager manager = NDManager.newBaseManager()) {
            // frames 2, 3, 4 count: loss exp(t) - t * 1
            double expected = ((Math.exp(2) - 2) + (Math.exp(3) - 3) + (Math.exp(4) - 4)) / 3;
            assertEquals(expected, objective.loss(batch, 1, true, manager).getFloat(), 1e-4);
            // a second batch starts from a fresh state again
            assertEquals(expected, objective.loss(batch, null, false, manager).getFloat(), 1e-4);
        }
        assertEquals(List.of("1/true", "1/true", "1/true", "1/true", "1/true",
                "null/false", "null/false", "null/false", "null/false", "null/false"), model.calls);
    }
}
