/** A simulated rig: N sessions of frames, eye and treadmill samples and session control on a drift-free schedule. */
package io.twinloop.simulator.rig;
