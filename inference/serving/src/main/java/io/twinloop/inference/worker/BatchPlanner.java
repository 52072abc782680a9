package io.twinloop.inference.worker;

import io.twinloop.proto.v1.ModelInput;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the model inputs of a poll into step rounds: each round takes the next frame of every
 * session that has one, so sessions that are ready together step as one batch, while each
 * session's frames and lifecycle events keep their order.
 */
final class BatchPlanner {

    private final Map<String, Deque<ModelInput>> pending = new LinkedHashMap<>();

    void add(ModelInput input) {
        pending.computeIfAbsent(input.getSessionId(), k -> new ArrayDeque<>()).add(input);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /**
     * @return the next round: every lifecycle event that precedes a session's next frame, then that
     *     frame; empty lists when nothing is pending
     */
    StepRound nextRound() {
        List<ModelInput> lifecycle = new ArrayList<>();
        List<ModelInput> frames = new ArrayList<>();
        Iterator<Map.Entry<String, Deque<ModelInput>>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Deque<ModelInput> queue = it.next().getValue();
            while (!queue.isEmpty() && !queue.peekFirst().hasFrame()) {
                lifecycle.add(queue.pollFirst());
            }
            if (!queue.isEmpty()) {
                frames.add(queue.pollFirst());
            }
            if (queue.isEmpty()) {
                it.remove();
            }
        }
        return new StepRound(lifecycle, frames);
    }
}
