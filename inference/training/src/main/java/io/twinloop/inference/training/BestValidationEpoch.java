package io.twinloop.inference.training;

import io.twinloop.inference.model.NoGrad;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a copy of the parameters at the epoch with the lowest validation loss and puts them back at the end: model
 * selection on the validation trials, as early stopping does, so that a fit on little data is scored where it
 * generalised best rather than where it had overfitted. Epochs without a finite validation loss are never kept.
 */
public final class BestValidationEpoch implements AutoCloseable {

    private final List<TrainableParameter> parameters;
    private final NDManager copies;
    private final Map<String, NDArray> best = new LinkedHashMap<>();
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestIndex = -1;
    private int offered;

    /** @param manager the copies live in a sub-manager of it until {@link #close()} */
    public BestValidationEpoch(List<TrainableParameter> parameters, NDManager manager) {
        this.parameters = List.copyOf(parameters);
        this.copies = manager.newSubManager();
    }

    /** Takes the epoch that just ended: copies the parameters when its validation loss is the lowest so far. */
    public void offer(EpochMetrics epoch) {
        int index = offered++;
        double loss = epoch.validationLoss();
        if (!Double.isFinite(loss) || loss >= bestLoss) {
            return;
        }
        bestLoss = loss;
        bestIndex = index;
        best.values().forEach(NDArray::close);
        best.clear();
        try (NoGrad noGrad = new NoGrad()) {
            for (TrainableParameter p : parameters) {
                NDArray copy = p.value().duplicate();
                copy.attach(copies);
                best.put(p.name(), copy);
            }
        }
    }

    /**
     * Puts the kept epoch's parameters back into the model's tensors.
     *
     * @return the index (0-based, in the order offered) of the epoch put back, or -1 when none had a finite
     *         validation loss and the parameters stay as they are
     */
    public int restore() {
        if (bestIndex < 0) {
            return -1;
        }
        try (NoGrad noGrad = new NoGrad()) {
            for (TrainableParameter p : parameters) {
                p.value().set(new NDIndex("..."), best.get(p.name()));
            }
        }
        return bestIndex;
    }

    @Override
    public void close() {
        copies.close();
    }
}
