package io.twinloop.simulator.recording;

import io.twinloop.simulator.stimuli.DomainKind;
import io.twinloop.simulator.stimuli.FrameGeometry;
import io.twinloop.simulator.stimuli.FramePixels;
import io.twinloop.simulator.stimuli.StimulusDomain;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Clips from the procedural stimulus domains: clip {@code c} of a domain is that domain seeded from
 * (session seed, domain, c), frames 0, 1, 2, ... from its start; so a repeated clip shows identical frames.
 */
public final class DomainClipSource implements ClipSource {

    private final FrameGeometry geometry;
    private final long seed;
    private final Map<String, DomainKind> kinds = new LinkedHashMap<>();
    private final float[] luminance;
    private String currentDomain;
    private long currentClip;
    private StimulusDomain current;

    public DomainClipSource(FrameGeometry geometry, long seed) {
        this.geometry = geometry;
        this.seed = seed;
        this.luminance = new float[geometry.pixels()];
        for (DomainKind kind : DomainKind.values()) {
            kinds.put(kind.create(geometry, 0).name(), kind);
        }
    }

    /** The paper's mix: mostly natural movies, the other five domains in equal shares. */
    public static Map<String, Double> defaultWeights() {
        Map<String, Double> weights = new LinkedHashMap<>();
        for (DomainKind kind : DomainKind.values()) {
            weights.put(kind.create(FrameGeometry.STANDARD, 0).name(), kind == DomainKind.NATURAL_MOVIES ? 0.6 : 0.08);
        }
        return weights;
    }

    @Override
    public void render(String domain, long clip, int frame, byte[] gray8Out) {
        if (current == null || clip != currentClip || !domain.equals(currentDomain)) {
            DomainKind kind = kinds.get(domain);
            if (kind == null) {
                throw new IllegalArgumentException("unknown stimulus domain " + domain + "; known: " + kinds.keySet());
            }
            long clipSeed = new SplittableRandom(seed ^ (31L * domain.hashCode() + clip * 0x9E3779B97F4A7C15L)).nextLong();
            current = kind.create(geometry, clipSeed);
            currentDomain = domain;
            currentClip = clip;
        }
        current.render(frame, luminance);
        byte[] gray8 = FramePixels.toGray8(luminance);
        System.arraycopy(gray8, 0, gray8Out, 0, gray8.length);
    }
}
