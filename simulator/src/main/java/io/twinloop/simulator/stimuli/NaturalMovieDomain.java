package io.twinloop.simulator.stimuli;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Natural-like movies: procedural scenes with the 1/f amplitude spectrum of natural images and
 * natural-looking motion. A scene is a pink-noise background that drifts (a camera pan) with one to
 * three textured elliptical objects moving over it and occluding it; a cut to a new scene comes every
 * 2 to 5 seconds, as in the edited clips the paper showed.
 */
public final class NaturalMovieDomain implements StimulusDomain {
    static final double RMS_CONTRAST = 0.18;
    private static final int MIN_SEGMENT_SECONDS = 2;
    private static final int MAX_SEGMENT_SECONDS = 5;
    private static final long LENGTH_STREAM = 0x3C07;
    private static final long SCENE_STREAM = 0x5CE4E;

    private final FrameGeometry geometry;
    private final long seed;
    /** Start frame of each segment drawn so far; grows as later frames are asked for. */
    private final List<Long> segmentStarts = new ArrayList<>(List.of(0L));
    private final TrialCache<Scene> scenes;

    public NaturalMovieDomain(FrameGeometry geometry, long seed) {
        this.geometry = geometry;
        this.seed = seed;
        this.scenes = new TrialCache<>(this::drawScene);
    }

    /** An object over the background: an ellipse carrying its own patch of texture. */
    private record SceneObject(double startX, double startY, double velocityX, double velocityY,
                               double radiusX, double radiusY, double angleRad, double luminanceOffset,
                               double textureX, double textureY, double textureScale) {
    }

    /** Background drift in pixels per frame, image axes (rows down). */
    private record Scene(PeriodicTexture texture, double offsetX, double offsetY,
                         double driftX, double driftY, List<SceneObject> objects) {
    }

    @Override
    public String name() {
        return "natural-movies";
    }

    @Override
    public FrameGeometry geometry() {
        return geometry;
    }

    private long segmentOf(long frameIndex) {
        while (segmentStarts.get(segmentStarts.size() - 1) <= frameIndex) {
            long index = segmentStarts.size() - 1;
            SplittableRandom random = TrialRandom.of(seed, LENGTH_STREAM, index);
            int length = random.nextInt(geometry.framesFor(MIN_SEGMENT_SECONDS),
                    geometry.framesFor(MAX_SEGMENT_SECONDS) + 1);
            segmentStarts.add(segmentStarts.get(segmentStarts.size() - 1) + length);
        }
        int low = 0;
        int high = segmentStarts.size() - 1;
        while (high - low > 1) { // invariant: starts[low] <= frameIndex < starts[high]
            int mid = (low + high) >>> 1;
            if (segmentStarts.get(mid) <= frameIndex) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private Scene drawScene(long segment) {
        SplittableRandom random = TrialRandom.of(seed, SCENE_STREAM, segment);
        int size = TextureView.textureSizeFor(geometry);
        PeriodicTexture texture = PinkNoise.isotropic(size, random);
        double driftSpeed = random.nextDouble(0, 1.5);
        double driftAngle = random.nextDouble(0, 2 * Math.PI);
        int objectCount = 1 + random.nextInt(3);
        List<SceneObject> objects = new ArrayList<>(objectCount);
        for (int i = 0; i < objectCount; i++) {
            double speed = random.nextDouble(0.5, 3);
            double heading = random.nextDouble(0, 2 * Math.PI);
            objects.add(new SceneObject(
                    random.nextDouble(0, geometry.width()), random.nextDouble(0, geometry.height()),
                    speed * Math.cos(heading), speed * Math.sin(heading),
                    random.nextDouble(12, 50), random.nextDouble(12, 50), random.nextDouble(0, Math.PI),
                    random.nextDouble(-0.2, 0.2),
                    random.nextDouble(0, size), random.nextDouble(0, size), random.nextDouble(0.5, 2)));
        }
        return new Scene(texture, random.nextDouble(0, size), random.nextDouble(0, size),
                driftSpeed * Math.cos(driftAngle), driftSpeed * Math.sin(driftAngle), List.copyOf(objects));
    }

    @Override
    public void render(long frameIndex, float[] out) {
        long segment = segmentOf(frameIndex);
        long t = frameIndex - segmentStarts.get((int) segment);
        Scene scene = scenes.get(segment);
        // Content that moves by +v per frame is read from the texture at -v t.
        TextureView.paint(scene.texture(), scene.offsetX() - scene.driftX() * t,
                scene.offsetY() - scene.driftY() * t, RMS_CONTRAST, geometry, out);
        for (SceneObject object : scene.objects()) {
            paintObject(scene.texture(), object, t, out);
        }
    }

    private void paintObject(PeriodicTexture texture, SceneObject o, long t, float[] out) {
        double centreX = o.startX() + o.velocityX() * t;
        double centreY = o.startY() + o.velocityY() * t;
        double reach = Math.max(o.radiusX(), o.radiusY());
        int width = geometry.width();
        int colFrom = (int) Math.max(0, Math.floor(centreX - reach));
        int colTo = (int) Math.min(width - 1, Math.ceil(centreX + reach));
        int rowFrom = (int) Math.max(0, Math.floor(centreY - reach));
        int rowTo = (int) Math.min(geometry.height() - 1, Math.ceil(centreY + reach));
        double cos = Math.cos(o.angleRad());
        double sin = Math.sin(o.angleRad());
        for (int row = rowFrom; row <= rowTo; row++) {
            double dy = row - centreY;
            for (int col = colFrom; col <= colTo; col++) {
                double dx = col - centreX;
                double u = dx * cos + dy * sin;
                double v = -dx * sin + dy * cos;
                double inside = (u * u) / (o.radiusX() * o.radiusX()) + (v * v) / (o.radiusY() * o.radiusY());
                if (inside <= 1) {
                    float value = texture.sample(o.textureX() + u / o.textureScale(), o.textureY() + v / o.textureScale());
                    out[row * width + col] = Luminance.clip(Luminance.GRAY + o.luminanceOffset() + RMS_CONTRAST * value);
                }
            }
        }
    }

    @Override
    public FrameDescription describe(long frameIndex) {
        long segment = segmentOf(frameIndex);
        long start = segmentStarts.get((int) segment);
        Scene scene = scenes.get(segment);
        return FrameDescription.builder("movie")
                .put("trial", segment)
                .put("segment_start_frame", start)
                .put("frame_in_segment", frameIndex - start)
                .put("cut", frameIndex == start ? 1 : 0)
                .put("drift_speed_px_per_frame", Math.hypot(scene.driftX(), scene.driftY()))
                .put("drift_direction_deg", Math.toDegrees(Math.atan2(-scene.driftY(), scene.driftX())))
                .put("objects", scene.objects().size())
                .build();
    }
}
