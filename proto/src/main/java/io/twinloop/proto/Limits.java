package io.twinloop.proto;

import java.nio.charset.StandardCharsets;

/**
 * Every limit twinloop puts on what rigs send, in one place: the stream refuses a record beyond one of them with
 * a dead letter before the worker sees it, and the worker checks again what would otherwise throw. Module
 * {@code proto} (the bottom one) so that the stream, the worker and the model read the same numbers.
 * {@code docs/reliability.md} ("Limits") lists them with their reasons.
 */
public final class Limits {

    /**
     * Most pixel bytes in one frame (width x height x bytes per pixel). A frame travels in one Kafka record
     * (frames, aligned, dead letters, the stream's changelogs), and Kafka's default record limit is 1 MiB
     * ({@code max.request.size} 1,048,576): 1,000,000 leaves room for the wrappers and headers.
     */
    public static final int MAX_FRAME_BYTES = 1_000_000;
    /** Most rows in a frame. */
    public static final int MAX_FRAME_HEIGHT = 4_096;
    /** Most columns in a frame. */
    public static final int MAX_FRAME_WIDTH = 4_096;
    /**
     * Fewest rows a model takes: fnn samples each frame bilinearly in isotropic units scaled by W / (W - 1)
     * and H / (H - 1) ({@code IsotropicSampler}), so a frame needs two pixels each way; the stepper
     * ({@code BatchedSessionStepper}) refuses smaller ones. A TorchScript twin takes only its own fixed size,
     * which the stepper checks.
     */
    public static final int MIN_FRAME_HEIGHT = 2;
    /** Fewest columns a model takes (see {@link #MIN_FRAME_HEIGHT}). */
    public static final int MIN_FRAME_WIDTH = 2;
    /** Most UTF-8 bytes in a session, model or mouse id. */
    public static final int MAX_ID_BYTES = 128;
    /**
     * Most units a served model may predict: a prediction of U float32 values must fit one record (4 U bytes
     * under 1 MiB). The published fnn models have about 8,000 per mouse.
     */
    public static final int MAX_UNITS = 200_000;
    /** Most sessions one inference worker holds at once; a start beyond is refused ({@code too_many_sessions}). */
    public static final int MAX_SESSIONS_PER_WORKER = 64;
    /** Most records (frames and telemetry) of one session that wait in the stream for its start. */
    public static final int MAX_EARLY_RECORDS_PER_SESSION = 2_000;
    /** Most bytes of records of one session that wait in the stream for its start. */
    public static final long MAX_EARLY_BYTES_PER_SESSION = 64L << 20;
    /**
     * Smallest standard deviation of a behaviour input: the stream divides by it, and 1e-45 turns any offset
     * into infinity in the model's state.
     */
    public static final float MIN_STD = 1e-6f;
    /**
     * Largest magnitude of a raw behaviour value, a mean or a standard deviation (camera pixels, cm/s). With
     * {@link #MIN_STD} it bounds a standardised value by 2e12, finite in float32, as are differences of two.
     */
    public static final float MAX_ABS_BEHAVIOUR = 1e6f;

    private Limits() {
    }

    /** @return the UTF-8 length of {@code id} */
    public static int idBytes(String id) {
        return id.getBytes(StandardCharsets.UTF_8).length;
    }

    /** @return whether {@code id} is within {@link #MAX_ID_BYTES} */
    public static boolean idFits(String id) {
        return id.length() <= MAX_ID_BYTES && idBytes(id) <= MAX_ID_BYTES;
    }

    /** @return why a frame of this size is refused, or null when it is within the limits */
    public static String frameSizeProblem(int height, int width, int bytesPerPixel) {
        if (height > MAX_FRAME_HEIGHT || width > MAX_FRAME_WIDTH) {
            return "frame " + width + "x" + height + " is larger than " + MAX_FRAME_WIDTH + "x" + MAX_FRAME_HEIGHT;
        }
        long bytes = (long) height * width * bytesPerPixel;
        if (bytes > MAX_FRAME_BYTES) {
            return "frame " + width + "x" + height + " has " + bytes + " pixel bytes, more than " + MAX_FRAME_BYTES;
        }
        return null;
    }

    /** @return whether a frame is at least the models' minimum size ({@link #MIN_FRAME_HEIGHT}, width alike) */
    public static boolean frameLargeEnough(int height, int width) {
        return height >= MIN_FRAME_HEIGHT && width >= MIN_FRAME_WIDTH;
    }

    /** @return whether {@code value} is finite and within {@link #MAX_ABS_BEHAVIOUR} */
    public static boolean behaviourFits(float value) {
        return Float.isFinite(value) && Math.abs(value) <= MAX_ABS_BEHAVIOUR;
    }

    /** @return whether {@code std} is finite and within [{@link #MIN_STD}, {@link #MAX_ABS_BEHAVIOUR}] */
    public static boolean stdFits(float std) {
        return Float.isFinite(std) && std >= MIN_STD && std <= MAX_ABS_BEHAVIOUR;
    }
}
