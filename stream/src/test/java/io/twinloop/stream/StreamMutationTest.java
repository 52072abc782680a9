package io.twinloop.stream;

import static io.twinloop.stream.StreamHarness.frameIndices;
import static io.twinloop.stream.StreamHarness.frameOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.EyeSample;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.SessionControl;
import io.twinloop.proto.v1.SessionStart;
import io.twinloop.proto.v1.StimulusFrame;
import io.twinloop.proto.v1.Telemetry;
import io.twinloop.proto.v1.TreadmillSample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated records between two valid sessions' records, on their own keys and on others, on every input topic:
 * no mutation reaches Kafka Streams' own dead-letter queue (every dead letter is ours, with its reason: the
 * harness checks the header), nothing aligned is non-finite or below the models' minimum size, and both valid
 * sessions get every frame in order. Not the full fuzz of issue 18 (no worker, no broker, no oracle on every
 * record): a first net under the stream's checks, seeded and printed.
 */
class StreamMutationTest {
    private static final int MUTANTS = 2_000;

    @TempDir
    Path stateDir;

    @Test
    void mutatedRecordsNeverBreakTheStreamNorTheValidSessions() {
        long seed = Long.getLong("twinloop.fuzz.seed", System.nanoTime());
        System.out.println("StreamMutationTest seed " + seed + " (-Dtwinloop.fuzz.seed=" + seed + " repeats it)");
        Random random = new Random(seed);
        int framesPerSession = 40;
        try (StreamHarness rig = new StreamHarness(Duration.ZERO, stateDir)) {
            rig.startVirtual("v1");
            rig.startVirtual("v2");
            int valid = 0;
            int mutants = 0;
            while (valid < 2 * framesPerSession || mutants < MUTANTS) {
                if (valid < 2 * framesPerSession && (mutants >= MUTANTS || random.nextInt(MUTANTS / 40) == 0)) {
                    String session = valid % 2 == 0 ? "v1" : "v2";
                    rig.frame(frameOf(session, valid / 2, 1_000L * (valid / 2)));
                    valid++;
                } else {
                    mutant(rig, random);
                    mutants++;
                }
            }
            rig.advanceWallClock(Duration.ofSeconds(40));   // every wait ends: early records, stops, trailing

            List<ModelInput> aligned = rig.aligned();
            for (String session : List.of("v1", "v2")) {
                List<ModelInput> mine = aligned.stream().filter(i -> i.getSessionId().equals(session)).toList();
                assertEquals(LongStream.range(0, framesPerSession).boxed().toList(), frameIndices(mine),
                        "seed " + seed + ": " + session);
            }
            for (ModelInput input : aligned) {
                if (input.hasFrame()) {
                    StimulusFrame f = input.getFrame().getFrame();
                    assertTrue(f.getWidth() >= 2 && f.getHeight() >= 2, "seed " + seed + ": " + f.getWidth());
                    float[] behaviour = {input.getFrame().getPupilX(), input.getFrame().getPupilY(),
                        input.getFrame().getPupilRadius(), input.getFrame().getTreadmillVelocity()};
                    for (float b : behaviour) {
                        assertTrue(Float.isFinite(b), "seed " + seed + ": behaviour " + Arrays.toString(behaviour));
                    }
                }
            }
            List<DeadLetter> letters = rig.deadLetters();    // throws if one lacks the twinloop header
            Map<String, Long> byReason = new TreeMap<>(letters.stream()
                    .collect(Collectors.groupingBy(DeadLetter::getReason, Collectors.counting())));
            System.out.println("StreamMutationTest " + (valid + mutants) + " records, " + aligned.size()
                    + " aligned, dead letters " + byReason);
            assertTrue(letters.size() > MUTANTS / 4, "seed " + seed + ": " + letters.size() + " dead letters");
        }
    }

    private static final String[] OTHER_KEYS = {"m1", "m2", "", "x".repeat(200)};
    private static final List<String> LIVE = List.of("v1", "v2");

    /**
     * One mutated record on a random topic. Records of the live sessions (by key, or by body under no key) are
     * always invalid in a way the stream must see (another size or format, a second start, telemetry for a
     * virtual session, no value): a valid stop or frame there would rightly change what the session gets.
     * Records of other sessions get anything, bytes flipped and cut included.
     */
    private static void mutant(StreamHarness rig, Random random) {
        if (random.nextInt(3) == 0) {
            String live = LIVE.get(random.nextInt(2));
            switch (random.nextInt(5)) {
                case 0 -> rig.rawFrame(live, invalidFrame(random, live).toByteArray());
                case 1 -> rig.rawFrame(null, invalidFrame(random, live).toByteArray());
                case 2 -> rig.rawTelemetry(live, telemetry(random, live).toByteArray());
                case 3 -> rig.rawControl(live, start(random, live).toByteArray());
                default -> rig.rawFrame(live, null);
            }
            return;
        }
        String key = OTHER_KEYS[random.nextInt(OTHER_KEYS.length)];
        String body = random.nextInt(4) == 0 ? OTHER_KEYS[random.nextInt(OTHER_KEYS.length)] : key;
        if (key.isEmpty() && body.isEmpty()) {
            body = "m3";
        }
        byte[] bytes = switch (random.nextInt(3)) {
            case 0 -> frame(random, body).toByteArray();
            case 1 -> telemetry(random, body).toByteArray();
            default -> control(random, body).toByteArray();
        };
        switch (random.nextInt(4)) {
            case 0 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));          // cut
            case 1 -> {
                for (int i = 0; i < 1 + random.nextInt(4) && bytes.length > 0; i++) {          // bytes flipped
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            default -> {
                // only its field values are odd
            }
        }
        String k = key.isEmpty() ? null : key;
        switch (random.nextInt(3)) {
            case 0 -> rig.rawFrame(k, random.nextInt(20) == 0 ? null : bytes);
            case 1 -> rig.rawTelemetry(k, bytes);
            default -> rig.rawControl(k, bytes);
        }
    }

    private static final float[] ODD_FLOATS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f,
        -0f, 1e-45f, 1e-7f, -1f, 1e7f, Float.MAX_VALUE, -Float.MAX_VALUE, 3f};
    private static final long[] ODD_LONGS = {-1, 0, 1, 5, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, 39};
    private static final int[] ODD_INTS = {-1, 0, 1, 2, 4, 5, 4097, Integer.MAX_VALUE, Integer.MIN_VALUE};
    private static final int[] BAD_WIDTHS = {-1, 0, 1, 3, 5, 4097, Integer.MAX_VALUE, Integer.MIN_VALUE};

    private static float oddFloat(Random random) {
        return ODD_FLOATS[random.nextInt(ODD_FLOATS.length)];
    }

    private static long oddLong(Random random) {
        return ODD_LONGS[random.nextInt(ODD_LONGS.length)];
    }

    private static StimulusFrame frame(Random random, String session) {
        StimulusFrame.Builder f = frameOf(session, oddLong(random), oddLong(random)).toBuilder();
        switch (random.nextInt(4)) {
            case 0 -> f.setWidth(ODD_INTS[random.nextInt(ODD_INTS.length)]);
            case 1 -> f.setHeight(ODD_INTS[random.nextInt(ODD_INTS.length)]);
            case 2 -> f.setPixelFormatValue(random.nextInt(4));
            default -> f.setPixels(ByteString.copyFrom(new byte[random.nextInt(20)]));
        }
        return f.build();
    }

    /** A frame of a live session that the stream must refuse: another size, no valid format, or short pixels. */
    private static StimulusFrame invalidFrame(Random random, String session) {
        StimulusFrame.Builder f = frameOf(session, oddLong(random), oddLong(random)).toBuilder();
        switch (random.nextInt(4)) {
            case 0 -> f.setWidth(BAD_WIDTHS[random.nextInt(BAD_WIDTHS.length)]);
            case 1 -> f.setHeight(BAD_WIDTHS[random.nextInt(BAD_WIDTHS.length)]);
            case 2 -> f.setPixelFormatValue(random.nextBoolean() ? 0 : 3);
            default -> f.setPixels(ByteString.copyFrom(new byte[random.nextInt(8)]));
        }
        return f.build();
    }

    private static Telemetry telemetry(Random random, String session) {
        long t = oddLong(random);
        return random.nextBoolean()
                ? Telemetry.newBuilder().setEye(EyeSample.newBuilder().setSessionId(session).setTimestampUs(t)
                        .setPupilX(oddFloat(random)).setPupilY(oddFloat(random)).setPupilRadius(oddFloat(random)))
                        .build()
                : Telemetry.newBuilder().setTreadmill(TreadmillSample.newBuilder().setSessionId(session)
                        .setTimestampUs(t).setVelocity(oddFloat(random))).build();
    }

    private static SessionControl start(Random random, String session) {
        return SessionControl.newBuilder().setSessionId(session).setStart(StreamHarness.RIG.toBuilder()
                .setIsVirtual(random.nextInt(4) == 0)
                .setWidth(ODD_INTS[random.nextInt(ODD_INTS.length)])
                .setHeight(ODD_INTS[random.nextInt(ODD_INTS.length)])
                .setFrameRateHz(oddFloat(random))
                .setPupilX(StreamHarness.stats(oddFloat(random), oddFloat(random)))
                .setTreadmillVelocity(StreamHarness.stats(oddFloat(random), oddFloat(random)))).build();
    }

    private static SessionControl control(Random random, String session) {
        if (random.nextInt(3) == 0) {
            return SessionControl.newBuilder().setSessionId(session).setStop(
                    io.twinloop.proto.v1.SessionStop.newBuilder().setLastFrameIndex(oddLong(random))).build();
        }
        return start(random, session);
    }
}
