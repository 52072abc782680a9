package io.twinloop.inference.model.readout;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.twinloop.inference.model.FnnReference;
import io.twinloop.inference.model.StateDict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readout, stream mean and Poisson unit against fnn's, on a random 7 x 9 core feature map. */
class PositionFeatureTest {

    private NDManager manager;
    private PositionFeature readout;
    private NDArray core;

    @BeforeEach
    void build() {
        manager = NDManager.newBaseManager();
        readout = new PositionFeature(FnnReference.scanParameters(manager), "readout", FnnReference.UNITS,
                PoissonUnit.READOUTS, 128, 4);
        core = FnnReference.array(manager, "fnn-parts/readout_core.npy");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void allStreamsThenMeanAndPoissonMatchFnn() {
        NDArray out = readout.forward(core, null);
        assertEquals(new Shape(2, 4, 48, 1), out.getShape());
        double err = FnnReference.maxAbsDiff(out, FnnReference.array(manager, "fnn-parts/readout_all.npy"));
        NDArray response = new PoissonUnit().response(new StreamMean().apply(out));
        double responseErr = FnnReference.maxAbsDiff(response,
                FnnReference.array(manager, "fnn-parts/response_frame0.npy"));
        System.out.printf("readout max abs error %.3g, response %.3g%n", err, responseErr);
        assertTrue(err < 1e-5, "readout error " + err);
        assertTrue(responseErr < 1e-5, "response error " + responseErr);
    }

    @Test
    void oneStreamMatchesFnn() {
        NDArray out = readout.forward(core.get(new NDIndex(":, 256:384")), 2);
        double err = FnnReference.maxAbsDiff(out, FnnReference.array(manager, "fnn-parts/readout_stream2.npy"));
        System.out.printf("readout stream 2 max abs error %.3g%n", err);
        assertTrue(err < 1e-5, "readout error " + err);
    }

    @Test
    void givenPositionsAreWhereItReads() {
        NDArray atMean = readout.forward(core, null, readout.position().mean().expandDims(0).repeat(0, 2));
        // the same sums, in another order (gathered taps vs. a sparse product)
        assertTrue(FnnReference.maxAbsDiff(atMean, readout.forward(core, null)) < 1e-6, "mean positions");
        NDArray sampled = readout.forward(core, null, readout.position().sample(2));
        assertTrue(FnnReference.maxAbsDiff(sampled, atMean) > 1e-3, "sampled positions read elsewhere");
    }

    @Test
    void manyUnitsAreReadAtTheMeanAsAtGivenPositions() {
        int units = 1029;
        manager.getEngine().setRandomSeed(5);
        Map<String, NDArray> tensors = new HashMap<>();
        tensors.put("r.position.mu", manager.randomNormal(new Shape(units, 2)));
        tensors.put("r.position.sigma", manager.randomNormal(new Shape(units, 2, 2)));
        for (int s = 0; s < 4; s++) {
            tensors.put("r.feature.weights." + s, manager.randomNormal(new Shape(units, 1, 128)));
            tensors.put("r.biases." + s, manager.randomNormal(new Shape(units, 1)));
        }
        PositionFeature many = new PositionFeature(StateDict.of(manager, tensors), "r", units, 1, 128, 4);
        NDArray mean = many.position().mean().expandDims(0).repeat(0, 2);
        assertTrue(FnnReference.maxAbsDiff(many.forward(core, null), many.forward(core, null, mean)) < 1e-5,
                "all streams");
        NDArray stream = core.get(new NDIndex(":, 128:256"));
        assertTrue(FnnReference.maxAbsDiff(many.forward(stream, 1), many.forward(stream, 1, mean)) < 1e-5,
                "one stream");
    }

    @Test
    void sampledPositionsScatterAroundTheMean() {
        NDArray samples = readout.position().sample(2000);
        assertEquals(new Shape(2000, 48, 2), samples.getShape());
        NDArray offset = samples.mean(new int[] {0}).sub(readout.position().mean());
        assertTrue(offset.abs().max().getFloat() < 0.2, "sample mean far from mu");
        assertTrue(samples.sub(readout.position().mean()).abs().max().getFloat() > 0.01, "no spread");
    }
}
