package io.twinloop.ops.experiment;

import io.twinloop.ops.training.MouseRecording;
import io.twinloop.recordings.sensorium.RecordingLayout;
import io.twinloop.recordings.sensorium.SensoriumReader;
import io.twinloop.simulator.recording.TwinloopExtrasReader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What the validation loss of a model of a synthetic mouse is to be read against, on the recording's oracle
 * trials (the validation tier), in the trainer's units (Poisson loss {@code r - y log r} per unit and frame):
 *
 * @param perfectTwin  the noise-free response as the rate: the lowest loss any model can expect
 * @param constantRate each unit's mean response over the training trials, whatever the stimulus: a model that
 *                     has learned nothing but the units' means
 */
record ReferenceLosses(double perfectTwin, double constantRate) {

    /** @param burnInFrames leading frames of each trial left out, as the trainer leaves them out of the loss */
    static ReferenceLosses of(Path recording, int burnInFrames) throws IOException {
        SensoriumReader reader = new SensoriumReader(recording);
        TwinloopExtrasReader extras = new TwinloopExtrasReader(recording);
        MouseRecording mouse = MouseRecording.open(recording);
        if (mouse.trials().trials(true).isEmpty()) {
            throw new IllegalArgumentException("no training trials");
        }
        double[] unitMeans = mouse.unitMeans(0);
        double perfect = 0;
        double constant = 0;
        long count = 0;
        for (int trial : reader.trialsInTier(RecordingLayout.ORACLE)) {
            float[][] recorded = reader.responses(trial);
            float[][] noiseless = extras.noiseless(trial);
            if (noiseless == null) {
                throw new IllegalArgumentException(recording + " has no noise-free responses: not a synthetic mouse");
            }
            for (int u = 0; u < recorded.length; u++) {
                for (int t = burnInFrames; t < recorded[u].length; t++) {
                    perfect += poisson(noiseless[u][t], recorded[u][t]);
                    constant += poisson(unitMeans[u], recorded[u][t]);
                    count++;
                }
            }
        }
        return new ReferenceLosses(perfect / count, constant / count);
    }

    /** The Poisson loss of rate {@code rate} for response {@code y}, the rate kept above 1e-6 as a log needs. */
    private static double poisson(double rate, double y) {
        double r = Math.max(rate, 1e-6);
        return r - y * Math.log(r);
    }
}
