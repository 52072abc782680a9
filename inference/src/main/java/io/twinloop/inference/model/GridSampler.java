package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Bilinear sampling of a feature map at continuous positions: torch's {@code grid_sample} with
 * {@code mode="bilinear", align_corners=False}, which DJL does not offer.
 *
 * <p>A grid point (x, y) in [-1, 1] addresses the map's outer pixel edges: x = -1 is the left edge
 * of pixel 0 and x = 1 the right edge of pixel W-1, so the pixel coordinate is ((x + 1) W - 1) / 2.
 * The four pixels around it are gathered and weighted by their bilinear areas; a pixel outside the
 * map contributes zero ({@link Padding#ZEROS}), or the coordinate is first clamped onto the map so
 * that the border pixels extend outwards ({@link Padding#BORDER}).
 */
public final class GridSampler {

    /** What lies outside the sampled map. */
    public enum Padding {
        /** zeros: torch's {@code padding_mode="zeros"} */
        ZEROS,
        /** the nearest border pixel: torch's {@code padding_mode="border"} */
        BORDER
    }

    private GridSampler() {
    }

    /**
     * @param input   [N, C, H, W]
     * @param grid    [N, H', W', 2], (x, y) in [-1, 1]
     * @param padding what lies outside the map
     * @return [N, C, H', W']
     */
    public static NDArray sample(NDArray input, NDArray grid, Padding padding) {
        Shape in = input.getShape();
        long n = in.get(0);
        long channels = in.get(1);
        long height = in.get(2);
        long width = in.get(3);
        long outHeight = grid.getShape().get(1);
        long outWidth = grid.getShape().get(2);

        // [N, H'*W'] pixel coordinates
        NDArray x = pixelCoordinate(grid.get(new NDIndex("..., 0")), width, padding).reshape(n, -1);
        NDArray y = pixelCoordinate(grid.get(new NDIndex("..., 1")), height, padding).reshape(n, -1);

        Axis left = Axis.of(x.floor(), width);
        Axis top = Axis.of(y.floor(), height);
        Axis right = Axis.of(left.pixel.add(1), width);
        Axis bottom = Axis.of(top.pixel.add(1), height);
        // bilinear areas, written as torch computes them (distances to the opposite corner)
        NDArray wLeft = right.pixel.sub(x);
        NDArray wRight = x.sub(left.pixel);
        NDArray wTop = bottom.pixel.sub(y);
        NDArray wBottom = y.sub(top.pixel);

        NDArray flat = input.reshape(n, channels, height * width);
        NDArray out = corner(flat, left, top, wLeft.mul(wTop), width)
                .add(corner(flat, right, top, wRight.mul(wTop), width))
                .add(corner(flat, left, bottom, wLeft.mul(wBottom), width))
                .add(corner(flat, right, bottom, wRight.mul(wBottom), width));
        return out.reshape(n, channels, outHeight, outWidth);
    }

    /**
     * One neighbouring pixel row or column of every grid point.
     *
     * @param pixel   [N, K] integer-valued pixel index, possibly outside the map
     * @param clamped [N, K] the index clamped onto the map (safe to gather)
     * @param inside  [N, K] 1 where the index is on the map, else 0
     */
    private record Axis(NDArray pixel, NDArray clamped, NDArray inside) {
        static Axis of(NDArray pixel, long size) {
            NDArray inside = pixel.gte(0).logicalAnd(pixel.lte(size - 1)).toType(DataType.FLOAT32, false);
            return new Axis(pixel, pixel.clip(0, size - 1), inside);
        }
    }

    /** Normalised [-1, 1] to pixel coordinate, align_corners=False; clamped onto the map for BORDER. */
    private static NDArray pixelCoordinate(NDArray normalised, long size, Padding padding) {
        NDArray pixel = normalised.add(1).mul(size).sub(1).div(2);
        return padding == Padding.BORDER ? pixel.clip(0, size - 1) : pixel;
    }

    /**
     * One corner's weighted contribution; pixels outside the map get weight 0.
     *
     * @param flat   [N, C, H*W]
     * @param weight [N, K] bilinear weight of this corner
     * @return [N, C, K]
     */
    private static NDArray corner(NDArray flat, Axis column, Axis row, NDArray weight, long width) {
        NDArray maskedWeight = weight.mul(column.inside).mul(row.inside);
        NDArray index = row.clamped.mul(width).add(column.clamped).toType(DataType.INT64, false);
        Shape flatShape = flat.getShape();
        NDArray broadcastIndex = index.expandDims(1)
                .broadcast(flatShape.get(0), flatShape.get(1), index.getShape().get(1));
        return flat.gather(broadcastIndex, 2).mul(maskedWeight.expandDims(1));
    }
}
