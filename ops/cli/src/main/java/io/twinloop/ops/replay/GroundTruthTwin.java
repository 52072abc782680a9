package io.twinloop.ops.replay;

import io.twinloop.inference.session.SessionStepper;
import io.twinloop.proto.v1.Standardisation;
import io.twinloop.simulator.mouse.BehaviourAtFrame;
import io.twinloop.simulator.mouse.CalciumIndicator;
import io.twinloop.simulator.mouse.GroundTruth;
import io.twinloop.simulator.mouse.SyntheticMouse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The synthetic mouse itself as the twin: its known tuning turns each frame and the aligned
 * behaviour into the noise-free calcium response. Served through the same worker as the network, it
 * is the perfect twin that a replay should score at the noise ceiling (CC_norm near 1): a check of
 * the whole replay path — publishing, alignment, ordering, collection and scoring — on its own.
 */
public final class GroundTruthTwin implements SessionStepper {

    private final GroundTruth truth;
    private final RecordedTrialPublisher.Statistics statistics;
    private final Map<String, Session> sessions = new HashMap<>();

    private record Session(SyntheticMouse mouse, CalciumIndicator indicator) {
    }

    /** @param statistics the standardisation the sessions declared, to give the mouse raw behaviour back */
    GroundTruthTwin(GroundTruth truth, RecordedTrialPublisher.Statistics statistics) {
        this.truth = truth;
        this.statistics = statistics;
    }

    @Override
    public synchronized void open(String sessionId) {
        SyntheticMouse mouse = new SyntheticMouse(truth.config(), truth.neurons());
        CalciumIndicator indicator = new CalciumIndicator(truth.config(), units(), 0);
        indicator.reset(mouse.restingRates());
        sessions.put(sessionId, new Session(mouse, indicator));
    }

    @Override
    public synchronized void reset(String sessionId) {
        open(sessionId);
    }

    @Override
    public synchronized void close(String sessionId) {
        sessions.remove(sessionId);
    }

    @Override
    public synchronized boolean isOpen(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    @Override
    public int units() {
        return truth.neurons().size();
    }

    @Override
    public synchronized List<float[]> step(List<FrameInput> frames) {
        List<float[]> out = new ArrayList<>(frames.size());
        double[] rates = new double[units()];
        float[] recorded = new float[units()];
        for (FrameInput frame : frames) {
            Session session = sessions.get(frame.sessionId());
            if (session == null) {
                throw new IllegalStateException("session " + frame.sessionId() + " is not open");
            }
            byte[] gray8 = new byte[frame.pixels().length];
            for (int i = 0; i < gray8.length; i++) {
                gray8[i] = (byte) Math.round(frame.pixels()[i] * 255);
            }
            BehaviourAtFrame behaviour = new BehaviourAtFrame(
                    raw(frame.perspective()[0], statistics.pupilX()), raw(frame.perspective()[1], statistics.pupilY()),
                    raw(frame.modulation()[0], statistics.pupilRadius()), raw(frame.modulation()[1], statistics.velocity()));
            session.mouse().step(gray8, behaviour, rates);
            float[] expected = new float[units()];
            session.indicator().observe(rates, recorded, expected);
            out.add(expected);
        }
        return out;
    }

    private static double raw(float standardised, Standardisation s) {
        return standardised * s.getStd() + s.getMean();
    }

    @Override
    public synchronized void close() {
        sessions.clear();
    }
}
