package io.twinloop.simulator.stimuli;

import java.util.function.BiFunction;

/** The six stimulus domains of the paper, each with a seeded procedural generator. */
public enum DomainKind {
    NATURAL_MOVIES(NaturalMovieDomain::new),
    NATURAL_IMAGES(NaturalImageDomain::new),
    DRIFTING_GABORS(DriftingGaborDomain::new),
    FLASHING_DOTS(FlashingDotDomain::new),
    DIRECTIONAL_PINK_NOISE(DirectionalPinkNoiseDomain::new),
    RANDOM_DOT_KINEMATOGRAMS(RandomDotKinematogramDomain::new);

    private final BiFunction<FrameGeometry, Long, StimulusDomain> factory;

    DomainKind(BiFunction<FrameGeometry, Long, StimulusDomain> factory) {
        this.factory = factory;
    }

    /** A new generator of this domain (one per session: generators cache and are not thread-safe). */
    public StimulusDomain create(FrameGeometry geometry, long seed) {
        return factory.apply(geometry, seed);
    }

    public StimulusDomain create(long seed) {
        return create(FrameGeometry.STANDARD, seed);
    }
}
