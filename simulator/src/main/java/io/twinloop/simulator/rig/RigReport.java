package io.twinloop.simulator.rig;

import java.util.List;

/**
 * What a run sent, per session, and how far behind its deadlines the publishing thread fell, at
 * worst and on average (real time only; 0 when as fast as possible).
 */
public record RigReport(List<SessionReport> sessions, long maxLatenessMicros, double meanLatenessMicros) {

    public RigReport {
        sessions = List.copyOf(sessions);
    }

    public long totalFrames() {
        return sessions.stream().mapToLong(SessionReport::frames).sum();
    }

    public SessionReport session(String sessionId) {
        return sessions.stream().filter(s -> s.sessionId().equals(sessionId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no session " + sessionId));
    }
}
