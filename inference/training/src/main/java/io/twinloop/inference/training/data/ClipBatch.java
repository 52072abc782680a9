package io.twinloop.inference.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * N clips of equal length and shape, handed to the model frame by frame as [N, ...] arrays (fnn's
 * {@code Batches} stacks its clips the same way, on the axis after time).
 */
public final class ClipBatch {

    private final String group;
    private final List<Clip> clips;
    private final Clip first;

    /** A batch of a source with one group. */
    public ClipBatch(List<Clip> clips) {
        this("", clips);
    }

    /** @param group the group (mouse) every clip comes from, see {@link TrialSource#group} */
    public ClipBatch(String group, List<Clip> clips) {
        this.group = group;
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one clip");
        }
        this.clips = List.copyOf(clips);
        this.first = clips.get(0);
        for (Clip c : clips) {
            if (c.length() != first.length() || c.channels() != first.channels() || c.height() != first.height()
                    || c.width() != first.width() || c.perspectiveSize() != first.perspectiveSize()
                    || c.modulationSize() != first.modulationSize() || c.unitCount() != first.unitCount()) {
                throw new IllegalArgumentException("clip of trial " + c.trial() + " differs in shape from clip of trial "
                        + first.trial());
            }
        }
    }

    public String group() {
        return group;
    }

    public List<Clip> clips() {
        return clips;
    }

    /** @return clips in the batch, N */
    public int size() {
        return clips.size();
    }

    /** @return frames per clip, L */
    public int length() {
        return first.length();
    }

    /** @return the model's inputs at frame {@code t}, created in {@code manager} */
    public FrameInputs inputs(int t, NDManager manager) {
        int n = clips.size();
        int pixels = first.channels() * first.height() * first.width();
        float[] stimulus = new float[n * pixels];
        for (int i = 0; i < n; i++) {
            byte[] source = clips.get(i).stimuli();
            int offset = t * pixels;
            for (int p = 0; p < pixels; p++) {
                stimulus[i * pixels + p] = (source[offset + p] & 0xff) / 255f;
            }
        }
        NDArray stimuli = manager.create(stimulus, new Shape(n, first.channels(), first.height(), first.width()));
        NDArray perspective = frameRows(t, first.perspectiveSize(), Clip::perspectives, manager);
        NDArray modulation = frameRows(t, first.modulationSize(), Clip::modulations, manager);
        return new FrameInputs(stimuli, perspective, modulation, group);
    }

    /** @return [N, U] recorded responses at frame {@code t} */
    public NDArray units(int t, NDManager manager) {
        return frameRows(t, first.unitCount(), Clip::units, manager);
    }

    private NDArray frameRows(int t, int width, java.util.function.Function<Clip, float[]> field, NDManager manager) {
        float[] out = new float[clips.size() * width];
        for (int i = 0; i < clips.size(); i++) {
            System.arraycopy(field.apply(clips.get(i)), t * width, out, i * width, width);
        }
        return manager.create(out, new Shape(clips.size(), width));
    }
}
