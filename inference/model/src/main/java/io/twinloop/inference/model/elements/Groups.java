package io.twinloop.inference.model.elements;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.List;

/** Group-wise concatenation, fnn's {@code cat_groups} and {@code cat_groups_2d}. */
public final class Groups {

    private Groups() {
    }

    /**
     * Concatenates feature vectors group by group: group g of the result is group g of every input,
     * in input order.
     *
     * @param tensors [[N, F_i], ...], each F_i divisible by groups
     * @param groups  G
     * @return [N, sum F_i]
     */
    public static NDArray cat(List<NDArray> tensors, int groups) {
        if (tensors.size() == 1) {
            return tensors.get(0); // DJL's concat of one array copies it out of the autograd graph
        }
        if (groups == 1) {
            return NDArrays.concat(new NDList(tensors), 1);
        }
        NDList grouped = new NDList(tensors.size());
        long n = tensors.get(0).getShape().get(0);
        for (NDArray t : tensors) {
            grouped.add(t.reshape(n, groups, -1));
        }
        return NDArrays.concat(grouped, 2).reshape(n, -1);
    }

    /**
     * Concatenates feature maps channel group by channel group.
     *
     * @param tensors [[N, C_i, H, W], ...], each C_i divisible by groups
     * @param groups  G
     * @return [N, sum C_i, H, W]
     */
    public static NDArray cat2d(List<NDArray> tensors, int groups) {
        if (tensors.size() == 1) {
            return tensors.get(0); // DJL's concat of one array copies it out of the autograd graph
        }
        if (groups == 1) {
            return NDArrays.concat(new NDList(tensors), 1);
        }
        NDList grouped = new NDList(tensors.size());
        long n = tensors.get(0).getShape().get(0);
        long h = tensors.get(0).getShape().get(2);
        long w = tensors.get(0).getShape().get(3);
        for (NDArray t : tensors) {
            grouped.add(t.reshape(n, groups, -1, h, w));
        }
        return NDArrays.concat(grouped, 2).reshape(n, -1, h, w);
    }
}
