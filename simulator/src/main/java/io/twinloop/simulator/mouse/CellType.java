package io.twinloop.simulator.mouse;

/** How a model neuron combines its quadrature receptive-field pair. */
public enum CellType {
    /** Phase-sensitive: half-wave rectified (then squared) linear Gabor response. */
    SIMPLE,
    /** Phase-invariant: motion energy, the squared sum of the quadrature pair. */
    COMPLEX
}
