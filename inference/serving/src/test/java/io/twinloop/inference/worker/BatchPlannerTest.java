package io.twinloop.inference.worker;

import io.twinloop.proto.v1.AlignedFrame;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.SessionStop;
import io.twinloop.proto.v1.StimulusFrame;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchPlannerTest {

    private static ModelInput frame(String session, long index) {
        return ModelInput.newBuilder().setSessionId(session)
                .setFrame(AlignedFrame.newBuilder().setFrame(
                        StimulusFrame.newBuilder().setSessionId(session).setFrameIndex(index)))
                .build();
    }

    private static ModelInput start(String session) {
        return ModelInput.newBuilder().setSessionId(session).setStart(SessionStart.getDefaultInstance()).build();
    }

    private static ModelInput stop(String session) {
        return ModelInput.newBuilder().setSessionId(session).setStop(SessionStop.getDefaultInstance()).build();
    }

    private static List<String> ids(List<ModelInput> frames) {
        return frames.stream().map(f -> f.getSessionId() + f.getFrame().getFrame().getFrameIndex()).toList();
    }

    @Test
    void batchesOneFramePerSessionAndKeepsEachSessionsOrder() {
        BatchPlanner planner = new BatchPlanner();
        List.of(start("a"), frame("a", 0), start("b"), frame("a", 1), frame("b", 0), frame("a", 2), stop("a"),
                frame("b", 1)).forEach(planner::add);

        StepRound first = planner.nextRound();
        assertEquals(2, first.lifecycle().size(), "both starts come before their first frames");
        assertEquals(List.of("a0", "b0"), ids(first.frames()));

        StepRound second = planner.nextRound();
        assertTrue(second.lifecycle().isEmpty());
        assertEquals(List.of("a1", "b1"), ids(second.frames()));

        StepRound third = planner.nextRound();
        assertEquals(List.of("a2"), ids(third.frames()));
        assertTrue(third.lifecycle().isEmpty(), "a's stop waits until after its last frame");

        StepRound fourth = planner.nextRound();
        assertEquals(1, fourth.lifecycle().size());
        assertTrue(fourth.lifecycle().get(0).hasStop());
        assertTrue(fourth.frames().isEmpty());
        assertTrue(planner.isEmpty());
    }

    /**
     * A fork's start arriving behind two of its parent's frames is handed out after them (its copy is the state
     * after the parent's frame 1), and the fork's own frame waits for its start.
     */
    @Test
    void aForkStartsAfterTheParentFramesBeforeIt() {
        BatchPlanner planner = new BatchPlanner();
        ModelInput fork = ModelInput.newBuilder().setSessionId("p#f").setStart(SessionStart.newBuilder()
                .setFork(io.twinloop.proto.v1.Fork.newBuilder().setParentSessionId("p").setAtFrameIndex(-1))).build();
        List.of(frame("p", 0), frame("p", 1), fork, frame("p#f", 0), frame("p", 2)).forEach(planner::add);

        StepRound first = planner.nextRound();
        assertTrue(first.lifecycle().isEmpty());
        assertEquals(List.of("p0"), ids(first.frames()), "the fork's frame waits for its start");
        StepRound second = planner.nextRound();
        assertEquals(List.of("p1"), ids(second.frames()));
        StepRound third = planner.nextRound();
        assertEquals(List.of(fork), third.lifecycle(), "the start comes after the parent's frames 0 and 1");
        assertEquals(List.of("p2", "p#f0"), ids(third.frames()));
        assertTrue(planner.isEmpty());
    }
}
