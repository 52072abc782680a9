package io.twinloop.inference.model.core;

import io.twinloop.inference.model.elements.Nonlinearity;

import java.util.List;

/**
 * Hyperparameters of {@link InputDense}, fnn's {@code feedforwards.InputDense} arguments.
 *
 * @param inputSpatial   spatial kernel size of the first input projection
 * @param inputStride    spatial stride of the first input projection
 * @param blockChannels  channels per stream of each dense block
 * @param blockGroups    channel groups per stream of each block
 * @param blockLayers    layers of each block
 * @param blockTemporals temporal kernel size of each block (frames seen, current included)
 * @param blockSpatials  spatial kernel size of each block
 * @param blockPools     average-pooling size after each block (1 = none)
 * @param outChannels    output channels per stream
 * @param nonlinear      nonlinearity inside the blocks
 */
public record InputDenseConfig(
        int inputSpatial,
        int inputStride,
        List<Integer> blockChannels,
        List<Integer> blockGroups,
        List<Integer> blockLayers,
        List<Integer> blockTemporals,
        List<Integer> blockSpatials,
        List<Integer> blockPools,
        int outChannels,
        Nonlinearity nonlinear) {

    public InputDenseConfig {
        int n = blockChannels.size();
        if (blockGroups.size() != n || blockLayers.size() != n || blockTemporals.size() != n
                || blockSpatials.size() != n || blockPools.size() != n) {
            throw new IllegalArgumentException("block lists differ in length");
        }
        blockChannels = List.copyOf(blockChannels);
        blockGroups = List.copyOf(blockGroups);
        blockLayers = List.copyOf(blockLayers);
        blockTemporals = List.copyOf(blockTemporals);
        blockSpatials = List.copyOf(blockSpatials);
        blockPools = List.copyOf(blockPools);
    }

    /** @return the number of dense blocks */
    public int blocks() {
        return blockChannels.size();
    }
}
