package io.twinloop.inference.worker;

import io.twinloop.proto.v1.ModelInput;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the model inputs of a poll into step rounds: each round takes the next frame of every
 * session that has one, so sessions that are ready together step as one batch, while each
 * session's frames and lifecycle events keep their order.
 *
 * <p>A fork's start keeps its place among its parent's inputs: when the parent still has inputs pending, the
 * start joins the parent's queue (so the copy is taken after the parent's earlier frames and before its later
 * ones) and the fork's own inputs wait until it has been handed out.
 */
final class BatchPlanner {

    private final Map<String, Deque<ModelInput>> pending = new LinkedHashMap<>();
    /** forks whose start waits in their parent's queue */
    private final Set<String> waitingForStart = new HashSet<>();

    void add(ModelInput input) {
        if (input.hasStart() && input.getStart().hasFork()) {
            Deque<ModelInput> parent = pending.get(input.getStart().getFork().getParentSessionId());
            if (parent != null && !parent.isEmpty() && !input.getSessionId().equals(
                    input.getStart().getFork().getParentSessionId())) {
                parent.add(input);
                waitingForStart.add(input.getSessionId());
                return;
            }
        }
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
            Map.Entry<String, Deque<ModelInput>> entry = it.next();
            if (waitingForStart.contains(entry.getKey())) {
                continue;
            }
            Deque<ModelInput> queue = entry.getValue();
            while (!queue.isEmpty() && !queue.peekFirst().hasFrame()) {
                ModelInput event = queue.pollFirst();
                lifecycle.add(event);
                if (!event.getSessionId().equals(entry.getKey())) {
                    waitingForStart.remove(event.getSessionId());
                }
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
