package io.twinloop.stream.align;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Time-ordered samples of one behaviour signal (eye: x, y, radius; treadmill: velocity) and their
 * value at any time: linear interpolation between the samples that bracket it, or the nearest
 * sample held (zero-order) when one side is missing.
 *
 * <p>Bounded: {@link #pruneBefore} drops what no future frame can need, and the buffer never holds
 * more than {@code capacity} samples (the oldest go first), even if frames stop coming.
 */
public final class SampleBuffer {
    /** One sample: rig time in microseconds and raw values. */
    public record Sample(long timestampUs, float[] values) {
    }

    /**
     * The signal at one time.
     *
     * @param values raw (not standardised) values
     * @param held true when no bracketing pair exists and the nearest sample's value was held
     */
    public record Reading(double[] values, boolean held) {
    }

    private final int width;
    private final int capacity;
    private final List<Sample> samples = new ArrayList<>();

    /** @param width values per sample */
    public SampleBuffer(int width, int capacity) {
        if (width < 1 || capacity < 2) {
            throw new IllegalArgumentException("width " + width + ", capacity " + capacity);
        }
        this.width = width;
        this.capacity = capacity;
    }

    public int size() {
        return samples.size();
    }

    public boolean isEmpty() {
        return samples.isEmpty();
    }

    /** Adds a sample in time order; a sample with an existing timestamp replaces it. */
    public void add(long timestampUs, float... values) {
        if (values.length != width) {
            throw new IllegalArgumentException(values.length + " values, expected " + width);
        }
        Sample sample = new Sample(timestampUs, values.clone());
        int at = firstAtOrAfter(timestampUs);
        if (at < samples.size() && samples.get(at).timestampUs() == timestampUs) {
            samples.set(at, sample);
        } else {
            samples.add(at, sample);
        }
        if (samples.size() > capacity) {
            samples.remove(0);
        }
    }

    /** True when some sample is at or after {@code timestampUs}: the value there is final. */
    public boolean covers(long timestampUs) {
        return !samples.isEmpty() && samples.get(samples.size() - 1).timestampUs() >= timestampUs;
    }

    /** The signal at {@code timestampUs}; the buffer must not be empty. */
    public Reading at(long timestampUs) {
        if (samples.isEmpty()) {
            throw new IllegalStateException("no samples");
        }
        int after = firstAtOrAfter(timestampUs);
        if (after == samples.size()) {
            return held(samples.get(after - 1));
        }
        Sample next = samples.get(after);
        if (next.timestampUs() == timestampUs) {
            return new Reading(toDouble(next.values()), false);
        }
        if (after == 0) {
            return held(next);
        }
        Sample previous = samples.get(after - 1);
        double weight = (double) (timestampUs - previous.timestampUs()) / (next.timestampUs() - previous.timestampUs());
        double[] values = new double[width];
        for (int i = 0; i < width; i++) {
            values[i] = previous.values()[i] + weight * ((double) next.values()[i] - previous.values()[i]);
        }
        return new Reading(values, false);
    }

    /**
     * Drops samples that no frame at or after {@code timestampUs} can need: all before the latest
     * sample at or before it (which stays, as the left side of the next bracket).
     */
    public boolean pruneBefore(long timestampUs) {
        int keepFrom = firstAtOrAfter(timestampUs);
        if (keepFrom < samples.size() && samples.get(keepFrom).timestampUs() == timestampUs) {
            keepFrom++;
        }
        keepFrom = keepFrom - 1;
        if (keepFrom <= 0) {
            return false;
        }
        samples.subList(0, keepFrom).clear();
        return true;
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(samples.size());
        for (Sample sample : samples) {
            out.writeLong(sample.timestampUs());
            for (float value : sample.values()) {
                out.writeFloat(value);
            }
        }
    }

    void readFrom(DataInput in) throws IOException {
        int count = in.readInt();
        for (int s = 0; s < count; s++) {
            long timestampUs = in.readLong();
            float[] values = new float[width];
            for (int i = 0; i < width; i++) {
                values[i] = in.readFloat();
            }
            add(timestampUs, values);
        }
    }

    private int firstAtOrAfter(long timestampUs) {
        int low = 0;
        int high = samples.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (samples.get(mid).timestampUs() < timestampUs) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static Reading held(Sample sample) {
        return new Reading(toDouble(sample.values()), true);
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("SampleBuffer[");
        for (Sample sample : samples) {
            text.append(sample.timestampUs()).append('=').append(Arrays.toString(sample.values())).append(' ');
        }
        return text.append(']').toString();
    }
}
