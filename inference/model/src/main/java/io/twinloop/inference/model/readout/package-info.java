/**
 * From the core's feature map to each unit's predicted activity (fnn's {@code readouts},
 * {@code positions}, {@code bounds}, {@code features}, {@code reductions}, {@code units}): bilinear
 * reading at a learned position, feature weights and bias per stream, the mean of the streams' log
 * rates, and the Poisson unit's exp.
 */
package io.twinloop.inference.model.readout;
