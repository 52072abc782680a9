/** Seeded procedural stimuli of the paper's six domains, frame by frame, with their ground-truth parameters. */
package io.twinloop.simulator.stimuli;
