/**
 * Recorded sessions on disk in the Sensorium 2023 layout plus the twinloop extras replay needs
 * (docs/recording-layout.md): writing, reading, and recording a synthetic mouse's session.
 */
package io.twinloop.simulator.recording;
