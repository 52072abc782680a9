package io.twinloop.ops.closedloop.mei;

import io.twinloop.recordings.sensorium.SensoriumReader;
import io.twinloop.simulator.recording.TwinloopExtrasReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The natural clips an MEI is compared with: the recording's natural-movie and natural-image trials (each
 * distinct clip once) cut into consecutive segments of the MEI's length, as shown (GRAY8 frames, here as
 * luminance in [0, 1]).
 */
public final class NaturalSegments {

    private static final Set<String> NATURAL = Set.of("natural-movies", "natural-images");

    private NaturalSegments() {
    }

    /** A segment: where it comes from and its frames [T][height * width]. */
    public record Segment(int trial, int firstFrame, float[][] frames) {
    }

    public static List<Segment> fromRecording(Path recording, int frames) throws IOException {
        TwinloopExtrasReader extras = new TwinloopExtrasReader(recording);
        String[] domains = extras.domains();
        long[] clipIds = new SensoriumReader(recording).clipIds();
        Set<Long> seen = new HashSet<>();
        List<Segment> segments = new ArrayList<>();
        for (int trial : new SensoriumReader(recording).trials()) {
            if (!NATURAL.contains(domains[trial]) || !seen.add(clipIds[trial])) {
                continue;
            }
            byte[][] gray8 = extras.frames(trial).frames();
            for (int first = 0; first + frames <= gray8.length; first += frames) {
                float[][] clip = new float[frames][];
                for (int t = 0; t < frames; t++) {
                    byte[] frame = gray8[first + t];
                    float[] luminance = new float[frame.length];
                    for (int p = 0; p < frame.length; p++) {
                        luminance[p] = (frame[p] & 0xff) / 255f;
                    }
                    clip[t] = luminance;
                }
                segments.add(new Segment(trial, first, clip));
            }
        }
        if (segments.isEmpty()) {
            throw new IllegalArgumentException(recording + " has no natural-movie or natural-image trial of at least "
                    + frames + " frames");
        }
        return segments;
    }
}
