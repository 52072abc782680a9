package io.twinloop.stream;
