package io.twinloop.stream.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.DeadLetterReason;
import org.junit.jupiter.api.Test;

class SessionStateTest {
    private final SessionState fresh = SessionState.started(SessionStart.newBuilder().setModelId("m").build());

    @Test
    void tellsDuplicatesFromLateFrames() {
        SessionState state = fresh.accept(0).accept(1).accept(4);
        assertEquals(DeadLetterReason.DUPLICATE_FRAME, state.admit(4).orElseThrow().reason());
        assertEquals(DeadLetterReason.DUPLICATE_FRAME, state.admit(1).orElseThrow().reason());
        assertEquals(DeadLetterReason.OUT_OF_ORDER_FRAME, state.admit(2).orElseThrow().reason());
        assertEquals(DeadLetterReason.OUT_OF_ORDER_FRAME, state.admit(3).orElseThrow().reason());
        assertTrue(state.admit(5).isEmpty());
        assertTrue(state.admit(9).isEmpty());
    }

    @Test
    void framesBeforeTheFirstAcceptedOneAreLate() {
        SessionState state = fresh.accept(3);
        assertEquals(DeadLetterReason.OUT_OF_ORDER_FRAME, state.admit(0).orElseThrow().reason());
    }

    @Test
    void stopWaitsForItsLastFrameAndRefusesLaterOnes() {
        SessionState stopping = fresh.accept(0).stop(2, 1234);
        assertFalse(stopping.complete());
        assertTrue(stopping.admit(1).isEmpty());
        assertEquals(DeadLetterReason.UNKNOWN_SESSION, stopping.admit(3).orElseThrow().reason());
        assertTrue(stopping.accept(1).accept(2).complete());
        assertTrue(fresh.stop(-1, 0).complete(), "a session without frames stops at once");
    }

    @Test
    void keepsOnlyTheLatestGaps() {
        SessionState state = fresh;
        for (int i = 0; i < 2 * SessionState.MAX_GAPS; i++) {
            state = state.accept(2L * i + 1);
        }
        assertEquals(SessionState.MAX_GAPS, state.gaps().size());
        assertEquals(DeadLetterReason.OUT_OF_ORDER_FRAME, state.admit(2L * (2 * SessionState.MAX_GAPS - 1)).orElseThrow().reason());
    }

    @Test
    void survivesTheStoreFormat() {
        SessionState state = fresh.accept(0).accept(5).stop(9, 77);
        assertEquals(state, SessionStateSerde.read(SessionStateSerde.write(state)));
    }
}
