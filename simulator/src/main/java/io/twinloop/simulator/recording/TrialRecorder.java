package io.twinloop.simulator.recording;

import io.twinloop.simulator.mouse.CalciumIndicator;
import io.twinloop.simulator.mouse.MouseConfig;
import io.twinloop.simulator.mouse.ScanResampler;
import io.twinloop.simulator.mouse.SyntheticMouse;

/**
 * Shows one clip to the synthetic mouse and images its neurons frame by frame. Trials are separated by a gray
 * screen long enough for filters and calcium to return to rest, so each starts from rest.
 */
final class TrialRecorder {

    private final ClipSource clips;
    private final SyntheticMouse mouse;
    private final CalciumIndicator indicator;

    TrialRecorder(ClipSource clips, SyntheticMouse mouse, CalciumIndicator indicator) {
        this.clips = clips;
        this.mouse = mouse;
        this.indicator = indicator;
    }

    RecordedTrial record(TrialSchedule.Trial trial, TrialBehaviour behaviour, int frameCount) {
        MouseConfig config = mouse.config();
        int units = mouse.neurons().size();
        int pixels = config.screenHeight() * config.screenWidth();
        FrameBehaviour atFrames = FrameBehaviour.sample(behaviour, frameCount, config.frameRateHz());
        byte[][] frames = new byte[frameCount][pixels];
        float[][] responses = new float[units][frameCount];
        float[][] noiseless = new float[units][frameCount];
        double[] rates = new double[units];
        float[] recorded = new float[units];
        float[] expected = new float[units];
        mouse.reset();
        indicator.reset(mouse.restingRates());
        for (int t = 0; t < frameCount; t++) {
            clips.render(trial.domain(), trial.clipId(), t, frames[t]);
            mouse.step(frames[t], atFrames.at(t), rates);
            indicator.observe(rates, recorded, expected);
            for (int u = 0; u < units; u++) {
                responses[u][t] = recorded[u];
                noiseless[u][t] = expected[u];
            }
        }
        if (config.resamplesScans()) {
            ScanResampler scans = new ScanResampler(config.frameRateHz(), config.scanRateHz());
            for (int u = 0; u < units; u++) {
                responses[u] = scans.resample(responses[u]);
                noiseless[u] = scans.resample(noiseless[u]);
            }
        }
        return new RecordedTrial(trial.tier(), trial.clipId(), trial.domain(), config.screenHeight(),
                config.screenWidth(), frames, behaviour, atFrames, responses, noiseless);
    }
}
