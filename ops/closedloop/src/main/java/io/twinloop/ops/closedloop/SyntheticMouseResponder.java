package io.twinloop.ops.closedloop;

import io.twinloop.simulator.mouse.BehaviourAtFrame;
import io.twinloop.simulator.mouse.CalciumIndicator;
import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.simulator.mouse.NeuronTuning;
import io.twinloop.simulator.mouse.SyntheticMouse;
import io.twinloop.simulator.stimuli.FramePixels;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A synthetic mouse shown clips on the rig, as a {@link ClipResponder}: each clip from rest (temporal filters at
 * zero, calcium at resting level), frames quantised to GRAY8 as the rig sends them, behaviour held fixed. Either
 * the expected calcium trace (no spiking or imaging noise: the perfect twin) or a recorded one (Poisson spikes,
 * imaging noise: what an experiment measures, each clip with its own noise drawn from (seed, clip number)).
 * Clips run in parallel; results do not depend on the thread count.
 */
public final class SyntheticMouseResponder implements ClipResponder {

    private final MouseConfig config;
    private final List<NeuronTuning> neurons;
    private final BehaviourAtFrame behaviour;
    private final boolean noisy;
    private final long seed;
    private final AtomicLong clipsShown = new AtomicLong();
    private final ThreadLocal<SyntheticMouse> mice;

    private SyntheticMouseResponder(MouseConfig config, List<NeuronTuning> neurons, BehaviourAtFrame behaviour,
                                    boolean noisy, long seed) {
        this.config = config;
        this.neurons = List.copyOf(neurons);
        this.behaviour = behaviour;
        this.noisy = noisy;
        this.seed = seed;
        this.mice = ThreadLocal.withInitial(() -> new SyntheticMouse(config, this.neurons));
    }

    /** The noise-free expected response: the perfect twin of this mouse. */
    public static SyntheticMouseResponder expected(MouseConfig config, List<NeuronTuning> neurons,
                                                   BehaviourAtFrame behaviour) {
        return new SyntheticMouseResponder(config, neurons, behaviour, false, 0);
    }

    /** Recorded responses: spiking and imaging noise, seeded. */
    public static SyntheticMouseResponder recorded(MouseConfig config, List<NeuronTuning> neurons,
                                                   BehaviourAtFrame behaviour, long seed) {
        return new SyntheticMouseResponder(config, neurons, behaviour, true, seed);
    }

    public int units() {
        return neurons.size();
    }

    @Override
    public float[][][] respond(List<float[][]> clips) {
        long first = clipsShown.getAndAdd(clips.size());
        float[][][] out = new float[clips.size()][][];
        IntStream.range(0, clips.size()).parallel().forEach(i -> out[i] = show(clips.get(i), first + i));
        return out;
    }

    private float[][] show(float[][] clip, long clipNumber) {
        SyntheticMouse mouse = mice.get();
        mouse.reset();
        CalciumIndicator indicator =
                new CalciumIndicator(config, neurons.size(), seed * 0x9E3779B97F4A7C15L + clipNumber);
        indicator.reset(mouse.restingRates());
        double[] rates = new double[neurons.size()];
        float[] recorded = new float[neurons.size()];
        float[] expected = new float[neurons.size()];
        float[][] out = new float[clip.length][];
        for (int t = 0; t < clip.length; t++) {
            mouse.step(FramePixels.toGray8(clip[t]), behaviour, rates);
            indicator.observe(rates, recorded, expected);
            out[t] = noisy ? recorded.clone() : expected.clone();
        }
        return out;
    }
}
