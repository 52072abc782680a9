package io.twinloop.ops.cli;

import picocli.CommandLine.Mixin;

/** Everything a command that runs the service takes: where Kafka is, the service's settings, the model. */
public final class ServingOptions {

    /**
     * the largest batch the numerics self-check covers when a service starts: the service warms up batches of 1 to
     * 4; larger batches run the same kernels (ConvolutionKernelTest checks up to 16)
     */
    static final int LARGEST_CHECKED_BATCH = 4;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ServiceCliOptions service;

    @Mixin
    ModelOptions model;
}
