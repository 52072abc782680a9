package io.twinloop.simulator.behaviour;

/** Mean and standard deviation of one behaviour signal: what a session's standardisation needs. */
public record SignalStatistics(double mean, double std) {

    /** Accumulates values (Welford's update: stable for long runs). */
    static final class Accumulator {
        private long count;
        private double mean;
        private double sumSquaredDeviations;

        void add(double value) {
            count++;
            double delta = value - mean;
            mean += delta / count;
            sumSquaredDeviations += delta * (value - mean);
        }

        SignalStatistics result() {
            return new SignalStatistics(mean, count > 1 ? Math.sqrt(sumSquaredDeviations / (count - 1)) : 0);
        }
    }
}
