package io.twinloop.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.List;

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

        NDArray flat = input.reshape(n, channels, height * width);
        NDArray out = null;
        for (Tap tap : taps(grid.reshape(n, -1, 2), height, width, padding)) {
            NDArray index = tap.index().expandDims(1).broadcast(n, channels, tap.index().getShape().get(1));
            NDArray term = flat.gather(index, 2).mul(tap.weight().expandDims(1));
            out = out == null ? term : out.add(term);
        }
        return out.reshape(n, channels, outHeight, outWidth);
    }

    /**
     * One of the four neighbouring pixels of every grid point: where it is on the flattened map, and
     * its bilinear weight (0 for a pixel outside the map, whose index is clamped onto the map).
     *
     * @param index  [..., K] flat pixel index row * W + column, INT64
     * @param weight [..., K] bilinear weight
     */
    public record Tap(NDArray index, NDArray weight) {
    }

    /**
     * The four bilinear taps of every grid point, in torch's order of summation (top left, top right,
     * bottom left, bottom right).
     *
     * @param grid [..., K, 2] (x, y) in [-1, 1]
     * @return four taps, each [..., K]
     */
    public static List<Tap> taps(NDArray grid, long height, long width, Padding padding) {
        NDArray x = pixelCoordinate(grid.get(new NDIndex("..., 0")), width, padding);
        NDArray y = pixelCoordinate(grid.get(new NDIndex("..., 1")), height, padding);

        Axis left = Axis.of(x.floor(), width);
        Axis top = Axis.of(y.floor(), height);
        Axis right = Axis.of(left.pixel.add(1), width);
        Axis bottom = Axis.of(top.pixel.add(1), height);
        // bilinear areas, written as torch computes them (distances to the opposite corner)
        NDArray wLeft = right.pixel.sub(x);
        NDArray wRight = x.sub(left.pixel);
        NDArray wTop = bottom.pixel.sub(y);
        NDArray wBottom = y.sub(top.pixel);
        return List.of(tap(left, top, wLeft.mul(wTop), width), tap(right, top, wRight.mul(wTop), width),
                tap(left, bottom, wLeft.mul(wBottom), width), tap(right, bottom, wRight.mul(wBottom), width));
    }

    /**
     * One neighbouring pixel row or column of every grid point.
     *
     * @param pixel   [..., K] integer-valued pixel index, possibly outside the map
     * @param clamped [..., K] the index clamped onto the map (safe to gather)
     * @param inside  [..., K] 1 where the index is on the map, else 0
     */
    private record Axis(NDArray pixel, NDArray clamped, NDArray inside) {
        static Axis of(NDArray pixel, long size) {
            NDArray inside = pixel.gte(0).logicalAnd(pixel.lte(size - 1)).toType(DataType.FLOAT32, false);
            return new Axis(pixel, pixel.clip(0, size - 1), inside);
        }
    }

    /** Normalised [-1, 1] to pixel coordinate, align_corners=False; clamped onto the map for BORDER. */
    private static NDArray pixelCoordinate(NDArray normalised, long size, Padding padding) {
        NDArray pixel = Scalars.mul(normalised.add(1), size / 2.0).sub(0.5);
        return padding == Padding.BORDER ? pixel.clip(0, size - 1) : pixel;
    }

    /** One corner; pixels outside the map get weight 0. */
    private static Tap tap(Axis column, Axis row, NDArray weight, long width) {
        NDArray maskedWeight = weight.mul(column.inside).mul(row.inside);
        NDArray index = row.clamped.mul(width).add(column.clamped).toType(DataType.INT64, false);
        return new Tap(index, maskedWeight);
    }
}
