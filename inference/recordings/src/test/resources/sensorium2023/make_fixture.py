#!/usr/bin/python3
"""Writes two tiny mouse folders in the Sensorium 2023 layout as the challenge released it, with NumPy only.

Run from this folder with Debian's python3:  /usr/bin/python3 make_fixture.py
The published facts each choice follows are listed in README.md. Values are synthetic; shapes, dtypes,
padding, tiers and statistics follow the release.
"""
import os
import shutil

import numpy as np

H, W = 36, 64  # videos as released: 36 x 64 pixels, 30 Hz
RATE_HZ = 30


def smooth_video(rng, frames):
    """[H, W, frames] on 0..255: low-pass noise drifting over time, a stand-in for the natural clips."""
    base = rng.normal(size=(H // 4 + 1, W // 4 + 1, frames + 3))
    kernel = np.ones(3) / 3
    base = np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="valid"), 2, base)[..., :frames]
    up = np.kron(base, np.ones((4, 4, 1)))[:H, :W, :]
    return np.clip(128 + 50 * up, 0, 255)


def responses_to(rng, video, units, weights):
    """[units, frames]: a rectified linear read of the previous frame's four quadrant means, plus noise."""
    frames = video.shape[2]
    quadrants = np.stack([video[:H // 2, :W // 2].mean((0, 1)), video[:H // 2, W // 2:].mean((0, 1)),
                          video[H // 2:, :W // 2].mean((0, 1)), video[H // 2:, W // 2:].mean((0, 1))])
    drive = weights @ ((np.roll(quadrants, 1, axis=1) - 128) / 50)
    rate = np.log1p(np.exp(drive))
    return np.maximum(rate + 0.3 * rng.normal(size=(units, frames)), 0)


def behaviour(rng, frames):
    dilation = 20 + np.cumsum(rng.normal(scale=0.3, size=frames))
    speed = np.abs(np.cumsum(rng.normal(scale=0.5, size=frames)))
    x = 320 + np.cumsum(rng.normal(scale=0.5, size=frames))
    y = 240 + np.cumsum(rng.normal(scale=0.5, size=frames))
    return np.stack([dilation, speed]), np.stack([x, y])


def padded(array, length):
    """Pads the time axis (last) with NaN to the mouse's length, as the release stores every trial."""
    out = np.full(array.shape[:-1] + (length,), np.nan)
    out[..., :array.shape[-1]] = array
    return out


def write_mouse(root, seed, dtype, trials, length, units, per_frame_statistics):
    """trials: list of (tier, clip, frames); equal clips are repeats of one video."""
    rng = np.random.default_rng(seed)
    shutil.rmtree(root, ignore_errors=True)
    for item in ("videos", "responses", "behavior", "pupil_center"):
        os.makedirs(os.path.join(root, "data", item))
    weights = rng.normal(scale=1.0, size=(units, 4))
    clips = {}
    stored = {"videos": [], "responses": [], "behavior": [], "pupil_center": []}
    for trial, (tier, clip, frames) in enumerate(trials):
        if clip not in clips:
            clips[clip] = smooth_video(rng, frames)
        video = clips[clip]
        response = responses_to(rng, video, units, weights)
        if tier.startswith("live_test") or tier.startswith("final_test"):
            response = np.zeros_like(response)  # the release withholds test responses as zeros
        dilation_speed, center = behaviour(rng, frames)
        arrays = {"videos": padded(video, length), "responses": padded(response, length),
                  "behavior": padded(dilation_speed, length), "pupil_center": padded(center, length)}
        if tier.startswith("live_test") or tier.startswith("final_test"):
            arrays["responses"] = np.zeros((units, length))
        for item, array in arrays.items():
            np.save(os.path.join(root, "data", item, f"{trial}.npy"), array.astype(dtype))
            if tier == "train":
                stored[item].append(array)
    os.makedirs(os.path.join(root, "meta", "trials"))
    np.save(os.path.join(root, "meta", "trials", "tiers.npy"), np.array([t[0] for t in trials]))
    os.makedirs(os.path.join(root, "meta", "neurons"))
    np.save(os.path.join(root, "meta", "neurons", "unit_ids.npy"), np.arange(1, units + 1))
    for item, arrays in stored.items():
        stacked = np.stack(arrays, axis=-1)  # [..., T, trials]
        axis = -1 if per_frame_statistics else tuple(range(1, stacked.ndim)) if item != "videos" else None
        folder = os.path.join(root, "meta", "statistics", item, "all")
        os.makedirs(folder)
        with np.errstate(all="ignore"):
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                stats = {"mean": np.nanmean(stacked, axis=axis), "std": np.nanstd(stacked, axis=axis),
                         "min": np.nanmin(stacked, axis=axis), "max": np.nanmax(stacked, axis=axis),
                         "median": np.nanmedian(stacked, axis=axis)}
        for name, value in stats.items():
            np.save(os.path.join(folder, f"{name}.npy"), np.asarray(value, dtype=dtype))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    # A newer mouse: float64, statistics per frame, trials NaN-padded to 12 frames.
    write_mouse(os.path.join(here, "mouse-new"), seed=2023, dtype=np.float64, length=12, units=6,
                per_frame_statistics=True,
                trials=[("train", 0, 12), ("train", 1, 11), ("train", 2, 10),
                        ("oracle", 3, 12), ("oracle", 4, 11), ("oracle", 3, 12), ("oracle", 4, 11),
                        ("final_test_main", 5, 12), ("final_test_main", 5, 12)])
    # An older mouse: float32, statistics per channel, a trial of tier "none".
    write_mouse(os.path.join(here, "mouse-old"), seed=29156, dtype=np.float32, length=12, units=5,
                per_frame_statistics=False,
                trials=[("train", 0, 12), ("train", 1, 11), ("none", 2, 12),
                        ("oracle", 3, 12), ("oracle", 3, 12)])
    write_expected_pooling(os.path.join(here, "mouse-new"), os.path.join(here, "mouse-new-pooled-statistics.json"))


def write_expected_pooling(root, out):
    """Per-channel statistics pooled from the per-frame ones (mean of means; sqrt(mean(std^2 + mean^2) - mean^2)),
    computed here with NumPy so that the Java reader is checked against an independent computation."""
    import json
    expected = {}
    for item in ("pupil_center", "behavior", "responses"):
        folder = os.path.join(root, "meta", "statistics", item, "all")
        mean_t, std_t = np.load(os.path.join(folder, "mean.npy")), np.load(os.path.join(folder, "std.npy"))
        mean = np.nanmean(mean_t, axis=-1)
        std = np.sqrt(np.nanmean(std_t ** 2 + mean_t ** 2, axis=-1) - mean ** 2)
        expected[item] = {"mean": mean.tolist(), "std": std.tolist()}
    with open(out, "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
