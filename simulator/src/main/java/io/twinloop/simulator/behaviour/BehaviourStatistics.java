package io.twinloop.simulator.behaviour;

/**
 * The standardisation statistics a session declares at its start. A lab computes them from the
 * mouse's training recordings; here they come from a long independent run of the same behaviour
 * model, which is what they would converge to.
 */
public record BehaviourStatistics(SignalStatistics pupilX, SignalStatistics pupilY,
                                  SignalStatistics pupilRadius, SignalStatistics treadmillVelocity) {

    /** Simulates {@code seconds} of behaviour with its own seed and measures each signal at 100 Hz. */
    public static BehaviourStatistics estimate(BehaviourParameters parameters, long seed, double seconds) {
        MouseBehaviour mouse = new MouseBehaviour(parameters, seed);
        SignalStatistics.Accumulator x = new SignalStatistics.Accumulator();
        SignalStatistics.Accumulator y = new SignalStatistics.Accumulator();
        SignalStatistics.Accumulator radius = new SignalStatistics.Accumulator();
        SignalStatistics.Accumulator velocity = new SignalStatistics.Accumulator();
        long samples = (long) (seconds * 100);
        for (long i = 0; i < samples; i++) {
            BehaviourState state = mouse.at(i * 10_000);
            x.add(state.pupilX());
            y.add(state.pupilY());
            radius.add(state.pupilRadius());
            velocity.add(state.velocity());
        }
        return new BehaviourStatistics(x.result(), y.result(), radius.result(), velocity.result());
    }

    /** Ten minutes of the default mouse: enough for every signal's statistics to settle. */
    public static BehaviourStatistics standard(long seed) {
        return estimate(BehaviourParameters.DEFAULT, seed, 600);
    }
}
