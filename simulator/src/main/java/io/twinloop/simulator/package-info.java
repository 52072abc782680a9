package io.twinloop.simulator;
