package io.twinloop.inference.training.data;

import java.io.IOException;
import java.util.List;

/**
 * Recorded trials on disk, read one clip at a time so that memory stays bounded by a batch whatever
 * the size of the recording.
 */
public interface TrialSource {

    /** @return ids of the training trials (training = true) or the validation trials (false) */
    List<String> trials(boolean training);

    /** @return number of frames of a trial (read from file headers only) */
    int frames(String trial) throws IOException;

    /** @return frames {@code [start, start + length)} of a trial */
    Clip read(ClipRequest request) throws IOException;

    /**
     * @return the group a trial belongs to (the mouse, in a cohort): every clip of a batch comes from one
     *         group, and the model runs the group's own head. One group, "", unless a source says otherwise.
     */
    default String group(String trial) {
        return "";
    }
}
