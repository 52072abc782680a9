package io.twinloop.simulator.recording;

import java.io.IOException;

/**
 * Sensorium's {@code meta/statistics/<key>/all/{mean,std}.npy} over the training tier: per neuron for
 * responses, per channel for behaviour and pupil centre, one value for videos.
 */
final class TrainingStatistics {

    private final ChannelStatistics responses;
    private final ChannelStatistics behavior = new ChannelStatistics(2);
    private final ChannelStatistics pupilCenter = new ChannelStatistics(2);
    private final ChannelStatistics videos = new ChannelStatistics(1);

    TrainingStatistics(int units) {
        responses = new ChannelStatistics(units);
    }

    void add(RecordedTrial trial) {
        responses.add(trial.responses());
        behavior.add(trial.atFrames().behaviorRows());
        pupilCenter.add(trial.atFrames().pupilCenterRows());
        videos.add(new float[][] {SensoriumVideo.fromFrames(trial.frames(), trial.height(), trial.width())});
    }

    void write(SensoriumWriter writer) throws IOException {
        write(writer, "responses", responses);
        write(writer, "behavior", behavior);
        write(writer, "pupil_center", pupilCenter);
        write(writer, "videos", videos);
    }

    private static void write(SensoriumWriter writer, String key, ChannelStatistics statistics) throws IOException {
        writer.writeStatistic(key, "mean", statistics.mean());
        writer.writeStatistic(key, "std", statistics.std());
    }
}
