package io.twinloop.stream.validate;

import io.twinloop.proto.Limits;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.Standardisation;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.stream.SessionRouting;
import io.twinloop.stream.deadletter.Rejection;
import java.util.Optional;

/**
 * A start must let us check frame sizes and standardise behaviour: a model id, a frame size within
 * {@link Limits} and, for rig sessions, means within {@link Limits#MAX_ABS_BEHAVIOUR} and standard deviations
 * in [{@link Limits#MIN_STD}, {@link Limits#MAX_ABS_BEHAVIOUR}] (we divide by them: a std of 1e-45 would put
 * infinity into the model's state). Virtual sessions need no statistics: their behaviour inputs are always
 * the means.
 */
public final class ControlValidator implements Validator<SessionControl> {
    @Override
    public Optional<Rejection> check(SessionControl control) {
        return switch (control.getCommandCase()) {
            case START -> control.getStart().hasFork() ? checkFork(control.getSessionId(), control.getStart())
                    : checkStart(control.getStart());
            case STOP -> control.getStop().getLastFrameIndex() < -1
                    ? invalid("stop with last_frame_index " + control.getStop().getLastFrameIndex())
                    : Optional.empty();
            default -> invalid("neither start nor stop");
        };
    }

    private static Optional<Rejection> checkStart(SessionStart start) {
        if (start.getModelId().isEmpty()) {
            return invalid("start without model_id");
        }
        if (!Limits.idFits(start.getModelId()) || !Limits.idFits(start.getMouseId())) {
            return Optional.of(Rejection.of(DeadLetterReason.ID_TOO_LONG, "start with a model or mouse id longer than "
                    + Limits.MAX_ID_BYTES + " bytes"));
        }
        if (!Float.isFinite(start.getFrameRateHz()) || start.getFrameRateHz() < 0) {
            return invalid("start with frame rate " + start.getFrameRateHz() + " Hz");
        }
        if (start.getWidth() <= 0 || start.getHeight() <= 0) {
            return invalid("start with frame size " + start.getWidth() + "x" + start.getHeight());
        }
        String tooLarge = Limits.frameSizeProblem(start.getHeight(), start.getWidth(), 1);
        if (tooLarge != null) {
            return Optional.of(Rejection.of(DeadLetterReason.FRAME_TOO_LARGE, "start: " + tooLarge));
        }
        if (!Limits.frameLargeEnough(start.getHeight(), start.getWidth())) {
            return Optional.of(Rejection.of(DeadLetterReason.FRAME_TOO_SMALL, "start with frame size "
                    + start.getWidth() + "x" + start.getHeight() + ", the models take at least "
                    + Limits.MIN_FRAME_WIDTH + "x" + Limits.MIN_FRAME_HEIGHT));
        }
        if (start.getIsVirtual()) {
            return Optional.empty();
        }
        Optional<Rejection> bad = stats("pupil_x", start.getPupilX());
        bad = bad.isPresent() ? bad : stats("pupil_y", start.getPupilY());
        bad = bad.isPresent() ? bad : stats("pupil_radius", start.getPupilRadius());
        return bad.isPresent() ? bad : stats("treadmill_velocity", start.getTreadmillVelocity());
    }

    /** A fork is a virtual session named after its parent (so that it is routed with it), with a frame or -1. */
    private static Optional<Rejection> checkFork(String session, SessionStart start) {
        Optional<Rejection> basic = checkStart(start);
        if (basic.isPresent()) {
            return basic;
        }
        String parent = start.getFork().getParentSessionId();
        String why = null;
        if (!start.getIsVirtual()) {
            why = "a fork must be a virtual session (is_virtual)";
        } else if (parent.isEmpty()) {
            why = "a fork without parent_session_id";
        } else if (session.isEmpty()) {
            why = "a fork's control message must carry its session_id (checked against the parent's)";
        } else if (!(session.startsWith(parent + SessionRouting.FORK_SEPARATOR)
                && session.length() > parent.length() + 1)) {
            why = "fork '" + session + "' is not named '" + parent + SessionRouting.FORK_SEPARATOR
                    + "<name>': it would not be routed to its parent's worker";
        } else if (start.getFork().getAtFrameIndex() < -1) {
            why = "fork at frame " + start.getFork().getAtFrameIndex() + " (a frame index, or -1 for the newest)";
        }
        return why == null ? Optional.empty() : Optional.of(Rejection.of(DeadLetterReason.FORK_REFUSED, why));
    }

    private static Optional<Rejection> stats(String name, Standardisation s) {
        if (!Limits.behaviourFits(s.getMean()) || !Limits.stdFits(s.getStd())) {
            return invalid("start with " + name + " mean " + s.getMean() + ", std " + s.getStd()
                    + " (need |mean| <= " + Limits.MAX_ABS_BEHAVIOUR + " and " + Limits.MIN_STD + " <= std <= "
                    + Limits.MAX_ABS_BEHAVIOUR + ")");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> invalid(String detail) {
        return Optional.of(Rejection.of(DeadLetterReason.INVALID_CONTROL, detail));
    }
}
