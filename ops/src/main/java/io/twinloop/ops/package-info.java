package io.twinloop.ops;
