package io.twinloop.simulator.rig;

/** Whether the rig keeps real time or publishes its whole schedule at once (tests, replay). */
public enum Pacing {
    /** Sleep until each record's deadline, like a rig. */
    REAL_TIME,
    /** Same records, same rig timestamps, no sleeping. */
    AS_FAST_AS_POSSIBLE;

    RigClock clock() {
        return this == REAL_TIME ? RigClock.realTime() : RigClock.virtual();
    }
}
