#!/usr/bin/python3
"""The Sensorium 2023 leaderboard scores on mouse-new, with NumPy alone: the expected values of
SensoriumChallengeScoresTest (ops/evaluation).

Run from this folder with Debian's python3 after make_fixture.py:  /usr/bin/python3 challenge_scores.py
It writes mouse-new-predictions/<trial>.npy (float32 [frames, units], each trial at its own length: a stand-in
twin's predictions, seeded) and mouse-new-challenge-scores.json.

The maths follow the challenge's published scoring (README.md lists the sources), written here from its definitions:
- a trial lasts until the first NaN of its video's first pixel (the release pads every trial with NaN);
- the first `skip` frames of every trial are left out (50 in the challenge; this fixture's trials last 10 to 12
  frames, so the test uses 2, and 0);
- corr(y1, y2) per neuron along time: mean(((y1 - mean) / (std + 1e-8)) * ((y2 - mean) / (std + 1e-8))), population
  std (ddof 0); NaN correlations become 0; the score is the mean over neurons;
- single-trial correlation: the scored frames of all trials concatenated;
- correlation to average: trials of the same video (identical arrays) averaged frame by frame, responses and
  predictions alike, the averages concatenated.
Responses are rounded to float32 first, as twinloop's reader holds them, so that both sides score the same numbers.
"""
import json
import os

import numpy as np

EPS = 1e-8


def corr(y1, y2):
    """[samples, neurons] x2 -> [neurons]."""
    z1 = (y1 - y1.mean(axis=0, keepdims=True)) / (y1.std(axis=0, keepdims=True, ddof=0) + EPS)
    z2 = (y2 - y2.mean(axis=0, keepdims=True)) / (y2.std(axis=0, keepdims=True, ddof=0) + EPS)
    r = (z1 * z2).mean(axis=0)
    r[np.isnan(r)] = 0
    return r


def trial_length(video):
    first = video[0, 0, :]
    nan = np.flatnonzero(np.isnan(first))
    return int(nan[0]) if nan.size else first.shape[0]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    mouse = os.path.join(here, "mouse-new")
    tiers = np.load(os.path.join(mouse, "meta", "trials", "tiers.npy"))
    rng = np.random.default_rng(7)
    out_dir = os.path.join(here, "mouse-new-predictions")
    os.makedirs(out_dir, exist_ok=True)

    trials, responses, predictions, videos = [], [], [], []
    for trial, tier in enumerate(tiers):
        video = np.load(os.path.join(mouse, "data", "videos", f"{trial}.npy"))
        length = trial_length(video)
        recorded = np.load(os.path.join(mouse, "data", "responses", f"{trial}.npy"))[:, :length]
        if not np.any(recorded):
            continue  # a test tier: responses withheld as zeros, nothing to score
        recorded = recorded.astype(np.float32).astype(np.float64).T  # [frames, neurons]
        # A stand-in twin: part signal, part noise; the last neuron predicts a constant (its score is 0 via eps).
        predicted = 0.6 * recorded + rng.normal(scale=0.5, size=recorded.shape)
        predicted[:, -1] = 1.0
        predicted = predicted.astype(np.float32)
        np.save(os.path.join(out_dir, f"{trial}.npy"), predicted)
        trials.append(trial)
        responses.append(recorded)
        predictions.append(predicted.astype(np.float64))
        videos.append(video[..., :length])

    groups = []  # lists of positions in `trials` showing the same video
    for i, video in enumerate(videos):
        for group in groups:
            if np.array_equal(videos[group[0]], video):
                group.append(i)
                break
        else:
            groups.append([i])

    expected = {"trials": trials, "videos": [[trials[i] for i in g] for g in groups], "by_skip": {}}
    for skip in (2, 0):
        kept = [i for i in range(len(trials)) if responses[i].shape[0] > skip]
        single = corr(np.concatenate([responses[i][skip:] for i in kept]),
                      np.concatenate([predictions[i][skip:] for i in kept]))
        target_means, prediction_means = [], []
        for group in groups:
            group = [i for i in group if i in kept]
            if not group:
                continue
            target_means.append(np.mean([responses[i][skip:] for i in group], axis=0))
            prediction_means.append(np.mean([predictions[i][skip:] for i in group], axis=0))
        to_average = corr(np.concatenate(target_means), np.concatenate(prediction_means))
        expected["by_skip"][str(skip)] = {
            "frames_scored": int(sum(responses[i].shape[0] - skip for i in kept)),
            "single_trial_correlation": float(single.mean()), "correlation_to_average": float(to_average.mean()),
            "single_trial_per_neuron": single.tolist(), "to_average_per_neuron": to_average.tolist()}
    with open(os.path.join(here, "mouse-new-challenge-scores.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
