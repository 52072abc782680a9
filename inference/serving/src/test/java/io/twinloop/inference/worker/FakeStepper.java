package io.twinloop.inference.worker;

import io.twinloop.inference.session.SessionStepper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stepper for the worker's unit tests: its "state" is the number of frames a session has been stepped, and
 * its rates are [first pixel, frames stepped]. Like the real model it throws for a frame smaller than 2 x 2
 * (before changing any state); it also throws for a first pixel of 2 / 255 (a frame the model fails on, standing
 * for any runtime failure), and a white first pixel gives NaN.
 */
class FakeStepper implements SessionStepper {

    final Map<String, Integer> steps = new HashMap<>();
    final List<Integer> batchSizes = new ArrayList<>();
    boolean closed;

    @Override
    public synchronized void open(String sessionId) {
        steps.put(sessionId, 0);
    }

    @Override
    public synchronized void reset(String sessionId) {
        steps.put(sessionId, 0);
    }

    @Override
    public synchronized void close(String sessionId) {
        steps.remove(sessionId);
    }

    @Override
    public synchronized boolean isOpen(String sessionId) {
        return steps.containsKey(sessionId);
    }

    @Override
    public int units() {
        return 2;
    }

    @Override
    public synchronized List<float[]> step(List<FrameInput> frames) {
        for (FrameInput f : frames) {
            if (!isOpen(f.sessionId())) {
                throw new IllegalStateException("session " + f.sessionId() + " is not open");
            }
            if (f.height() < 2 || f.width() < 2) {
                throw new IllegalArgumentException("a " + f.height() + " x " + f.width() + " frame is too small");
            }
            if (f.pixels()[0] == 2 / 255f) {
                throw new IllegalStateException("the model failed on this frame");
            }
        }
        batchSizes.add(frames.size());
        List<float[]> out = new ArrayList<>();
        for (FrameInput f : frames) {
            int n = steps.merge(f.sessionId(), 1, Integer::sum);
            out.add(new float[] {f.pixels()[0] == 1f ? Float.NaN : f.pixels()[0], n});
        }
        return out;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
