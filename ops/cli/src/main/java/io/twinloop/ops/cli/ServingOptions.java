package io.twinloop.ops.cli;

import picocli.CommandLine.Mixin;

/** Everything a command that runs the service takes: where Kafka is, the service's settings, the model. */
public final class ServingOptions {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ServiceCliOptions service;

    @Mixin
    ModelOptions model;
}
