package io.twinloop.ops.closedloop.tuning;

/**
 * What the tuning protocol measured on one twin, before analysis.
 *
 * @param directionCurves [unit][16] evoked response per direction (mean over textures minus the response to gray)
 * @param dotEvoked       [unit][presentation] evoked response to each dot presentation
 * @param dotPosition     [presentation] grid index of the dot, {@code row * 29 + column}
 * @param gray            [unit] response to gray over the noise window
 */
public record TuningMeasurement(double[][] directionCurves, double[][] dotEvoked, int[] dotPosition, double[] gray) {

    public int units() {
        return gray.length;
    }
}
