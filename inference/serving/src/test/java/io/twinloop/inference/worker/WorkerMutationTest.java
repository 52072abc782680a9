package io.twinloop.inference.worker;

import static io.twinloop.inference.worker.WorkerTestClients.clients;

import com.google.protobuf.ByteString;
import io.twinloop.proto.DeadLetters;
import io.twinloop.proto.Topics;
import io.twinloop.proto.v1.AlignedFrame;
import io.twinloop.proto.v1.DeadLetter;
import io.twinloop.proto.v1.DeadLetterReason;
import io.twinloop.proto.v1.ModelInput;
import io.twinloop.proto.v1.PixelFormat;
import io.twinloop.proto.v1.Prediction;
import io.twinloop.proto.v1.StimulusFrame;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated aligned records between two live sessions' frames, through the worker's poll loop on Kafka's mock
 * clients: every record is committed, no dead letter is a {@code worker_error} (a bug path), the loop never
 * restarts, each dead letter answers one record, and both live sessions get a prediction for every frame, in
 * order. The seed is printed.
 */
class WorkerMutationTest {

    private static final TopicPartition P0 = new TopicPartition(Topics.ALIGNED, 0);
    private static final int MUTANTS = 1_500;
    private static final int FRAMES = 40;

    @Test
    void mutatedAlignedRecordsNeverBreakTheWorkerNorTheLiveSessions() throws Exception {
        long seed = Long.getLong("twinloop.fuzz.seed", System.nanoTime());
        System.out.println("WorkerMutationTest seed " + seed + " (-Dtwinloop.fuzz.seed=" + seed + " repeats it)");
        Random random = new Random(seed);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        add(records, "v1", WorkerRecords.start("v1", "m").toByteArray());
        add(records, "v2", WorkerRecords.start("v2", "m").toByteArray());
        int valid = 0;
        int mutants = 0;
        while (valid < 2 * FRAMES || mutants < MUTANTS) {
            if (valid < 2 * FRAMES && (mutants >= MUTANTS || random.nextInt(MUTANTS / 40) == 0)) {
                String session = valid % 2 == 0 ? "v1" : "v2";
                add(records, session, WorkerRecords.frame(session, valid / 2).toByteArray());
                valid++;
            } else {
                mutant(records, random);
                mutants++;
            }
        }

        QuietConsumer consumer = new QuietConsumer();
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        WorkerMetrics metrics = new WorkerMetrics();
        InferenceWorker worker = new InferenceWorker(clients(consumer, producer), new FakeStepper(), "m", metrics,
                Duration.ZERO, System::nanoTime);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            records.forEach(consumer::addRecord);
        });
        Thread thread = new Thread(worker);
        thread.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (consumer.commits.getOrDefault(P0, -1L) != records.size()) {
            assertTrue(System.nanoTime() < deadline, "seed " + seed + ": every record committed");
            Thread.sleep(2);
        }
        assertEquals(InferenceWorker.State.UP, worker.health().state(), "seed " + seed);
        worker.close();
        thread.join();

        Map<String, List<Long>> predicted = new TreeMap<>();
        Set<Long> answered = new HashSet<>();
        Map<DeadLetterReason, Integer> reasons = new TreeMap<>();
        for (ProducerRecord<String, byte[]> r : producer.history()) {
            if (r.topic().equals(Topics.PREDICTIONS)) {
                Prediction p = Prediction.parseFrom(r.value());
                predicted.computeIfAbsent(p.getSessionId(), k -> new ArrayList<>()).add(p.getFrameIndex());
                for (float v : p.getValuesList()) {
                    assertTrue(Float.isFinite(v), "seed " + seed + ": a published rate " + v);
                }
            } else {
                assertTrue(DeadLetters.isDeadLetter(r.headers()), "seed " + seed);
                DeadLetter letter = DeadLetter.parseFrom(r.value());
                assertNotEquals(DeadLetterReason.WORKER_ERROR, letter.getReasonCode(),
                        "seed " + seed + ": " + letter.getDetail());
                reasons.merge(letter.getReasonCode(), 1, Integer::sum);
                assertTrue(answered.add(letter.getSourceOffset()), "seed " + seed + ": offset "
                        + letter.getSourceOffset() + " answered twice");
            }
        }
        System.out.println("WorkerMutationTest " + records.size() + " records, " + metrics.predictionsSent()
                + " predictions, dead letters " + reasons + ", duplicate starts " + metrics.duplicateStartsIgnored());
        List<Long> all = LongStream.range(0, FRAMES).boxed().toList();
        assertEquals(all, predicted.get("v1"), "seed " + seed);
        assertEquals(all, predicted.get("v2"), "seed " + seed);
        assertEquals(0, metrics.restarts(), "seed " + seed);
        assertTrue(answered.size() > MUTANTS / 3, "seed " + seed + ": " + answered.size() + " dead letters");
    }

    private static void add(List<ConsumerRecord<String, byte[]>> records, String key, byte[] value) {
        records.add(new ConsumerRecord<>(Topics.ALIGNED, 0, records.size(), key, value));
    }

    private static final String[] OTHER = {"m1", "m2", "m3", ""};
    private static final float[] ODD = {Float.NaN, Float.POSITIVE_INFINITY, -Float.MAX_VALUE, 0, 1e-45f, 3};
    private static final int[] SIZES = {-1, 0, 1, 2, 4, 5, 5000, Integer.MAX_VALUE};

    /**
     * One mutated record. Those of the live sessions are always refused (no valid frame or stop there: it would
     * rightly change what the session gets); others are anything, cut and flipped bytes included.
     */
    private static void mutant(List<ConsumerRecord<String, byte[]>> records, Random random) {
        if (random.nextInt(3) == 0) {
            String live = random.nextBoolean() ? "v1" : "v2";
            ModelInput frame = WorkerRecords.frame(live, random.nextInt(FRAMES + 5));
            ModelInput bad = switch (random.nextInt(5)) {
                case 0 -> withFrame(frame, frame.getFrame().getFrame().toBuilder().setWidth(1)
                        .setPixels(ByteString.copyFrom(new byte[4])));                     // too small
                case 1 -> withFrame(frame, frame.getFrame().getFrame().toBuilder()
                        .setPixels(ByteString.copyFrom(new byte[random.nextInt(16)])));    // short pixels
                case 2 -> frame.toBuilder().setFrame(frame.getFrame().toBuilder()
                        .setPupilX(ODD[random.nextInt(2)])).build();                       // non-finite behaviour
                case 3 -> withFrame(frame, frame.getFrame().getFrame().toBuilder().setPixelFormat(PixelFormat.GRAY_F32)
                        .setPixels(ByteString.copyFrom(nanFloats(16))));                     // NaN pixels
                default -> WorkerRecords.start(live, random.nextBoolean() ? "m" : "other"); // started already
            };
            add(records, random.nextBoolean() ? live : null, bad.toByteArray());
            return;
        }
        String key = OTHER[random.nextInt(OTHER.length)];
        String body = key.isEmpty() || random.nextInt(4) == 0 ? OTHER[random.nextInt(3)] : key;
        ModelInput input = switch (random.nextInt(4)) {
            case 0 -> WorkerRecords.start(body, random.nextBoolean() ? "m" : "");
            case 1 -> WorkerRecords.stop(body, random.nextInt(10) - 2);
            default -> {
                int h = SIZES[random.nextInt(SIZES.length)];
                int w = SIZES[random.nextInt(SIZES.length)];
                ModelInput f = WorkerRecords.frame(body, random.nextInt(8) - 1);
                StimulusFrame.Builder sf = f.getFrame().getFrame().toBuilder().setHeight(h).setWidth(w);
                long n = (long) h * w;
                if (n > 0 && n <= 64 && random.nextBoolean()) {
                    byte[] pixels = new byte[(int) n];
                    random.nextBytes(pixels);
                    sf.setPixels(ByteString.copyFrom(pixels));
                }
                AlignedFrame.Builder af = f.getFrame().toBuilder().setFrame(sf)
                        .setTreadmillVelocity(ODD[random.nextInt(ODD.length)]);
                yield f.toBuilder().setFrame(af).build();
            }
        };
        byte[] bytes = input.toByteArray();
        // under no key a flipped byte could turn the body's id into a live session's and make a valid record of it
        switch (key.isEmpty() ? 2 + random.nextInt(2) : random.nextInt(4)) {
            case 0 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            case 1 -> {
                for (int i = 0; i < 1 + random.nextInt(3) && bytes.length > 0; i++) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            default -> {
                // only its values are odd
            }
        }
        add(records, key.isEmpty() ? null : key, random.nextInt(30) == 0 ? null : bytes);
    }

    private static ModelInput withFrame(ModelInput input, StimulusFrame.Builder frame) {
        return input.toBuilder().setFrame(input.getFrame().toBuilder().setFrame(frame)).build();
    }

    private static byte[] nanFloats(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i == n / 2 ? Float.NaN : 0.5f);
        }
        return b.array();
    }

}
