package io.twinloop.inference.model.perspective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/** 3D rotation matrices from Euler angles, as fnn's {@code rmat_3d}: R = Rz(z) Ry(y) Rx(x). */
public final class Rotation {

    private Rotation() {
    }

    /**
     * @param x [N] angle (radians) around the x axis
     * @param y [N] angle (radians) around the y axis
     * @param z [N] angle (radians) around the z axis
     * @return [N, 3, 3]
     */
    public static NDArray matrix(NDArray x, NDArray y, NDArray z) {
        NDArray zero = x.zerosLike();
        NDArray one = x.onesLike();
        NDArray cosZ = z.cos();
        NDArray sinZ = z.sin();
        NDArray cosY = y.cos();
        NDArray sinY = y.sin();
        NDArray cosX = x.cos();
        NDArray sinX = x.sin();
        NDArray aroundZ = of(cosZ, sinZ.neg(), zero, sinZ, cosZ, zero, zero, zero, one);
        NDArray aroundY = of(cosY, zero, sinY, zero, one, zero, sinY.neg(), zero, cosY);
        NDArray aroundX = of(one, zero, zero, zero, cosX, sinX.neg(), zero, sinX, cosX);
        return aroundZ.matMul(aroundY).matMul(aroundX);
    }

    /** @param rowMajor 9 entries, each [N] @return [N, 3, 3] */
    private static NDArray of(NDArray... rowMajor) {
        long n = rowMajor[0].getShape().get(0);
        return NDArrays.stack(new NDList(rowMajor), 1).reshape(n, 3, 3);
    }
}
