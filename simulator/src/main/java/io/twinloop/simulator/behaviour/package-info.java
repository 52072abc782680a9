/** A simulated mouse's behaviour (running, pupil, saccades) and the standardisation statistics it implies. */
package io.twinloop.simulator.behaviour;
