"""Shared helpers of twinloop's TorchScript exporters: the step contract (version 1), the metadata file
beside the module, and the fixture of inputs and expected outputs that the Java tests replay.

The contract, in short (docs/twins.md has it in full):
  attributes   units, height, width, contract_version (= 1), all int
  initial_state(batch: int) -> List[Tensor]                  every tensor batch first
  state_names() -> List[str]                                 optional: one unique name per state tensor
  forward(frame [N, 1, height, width] float32 in [0, 1], perspective [N, 2], modulation [N, 2],
          state: List[Tensor]) -> Tuple[rates [N, units] float32 >= 0, next state]
"""
import json
import os
from typing import List

import numpy as np
import torch
import torch.nn.functional as F

CONTRACT_VERSION = 1


def check_contract(module: torch.jit.ScriptModule) -> None:
    """The checks the Java loader makes, run here first so that an exporter fails where it is written."""
    for name in ("units", "height", "width", "contract_version"):
        if not isinstance(getattr(module, name), int):
            raise ValueError(f"attribute {name} must be an int")
    if module.contract_version != CONTRACT_VERSION:
        raise ValueError(f"contract_version {module.contract_version}, expected {CONTRACT_VERSION}")
    one, two = module.initial_state(1), module.initial_state(2)
    if hasattr(module, "state_names"):
        names = module.state_names()
        if len(names) != len(one) or len(set(names)) != len(names):
            raise ValueError(f"state_names {names} must name each of the {len(one)} state tensors once")
    for i, (a, b) in enumerate(zip(one, two)):
        if a.shape[0] != 1 or b.shape[0] != 2 or a.shape[1:] != b.shape[1:]:
            raise ValueError(f"state tensor {i} is not batch first: {list(a.shape)} vs {list(b.shape)}")


def bilinear(frames_uint8: np.ndarray, height: int, width: int) -> torch.Tensor:
    """[N, H0, W0] uint8 -> [N, 1, height, width] float32, pixel / 255 then bilinear with antialiasing
    (align_corners=False, antialias=True: the triangle filter widened by the scale when shrinking, as
    torchvision's and PIL's resize): the rig frame as the service hands it to the twin."""
    x = torch.from_numpy(frames_uint8.astype(np.float32) / np.float32(255.0))[:, None]
    if x.shape[-2:] == (height, width):
        return x.contiguous()
    return F.interpolate(x, size=(height, width), mode="bilinear", align_corners=False, antialias=True)


@torch.no_grad()
def predict(module, stimuli: np.ndarray, perspectives: np.ndarray, modulations: np.ndarray) -> np.ndarray:
    """All N sessions stepped together from initial_state, frame by frame: [N, T, U] float32."""
    n, t = stimuli.shape[:2]
    state: List[torch.Tensor] = module.initial_state(n)
    out = []
    for i in range(t):
        frame = bilinear(stimuli[:, i], module.height, module.width)
        rates, state = module(frame, torch.from_numpy(perspectives[:, i]), torch.from_numpy(modulations[:, i]),
                              state)
        out.append(rates.numpy())
    return np.stack(out, axis=1).astype(np.float32)


def fixture_inputs(seed: int, sessions: int, frames: int, height: int, width: int):
    """Smooth random movies (a rig's frame size, not the twin's, so the resize is exercised) and behaviour."""
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 255, size=(sessions, frames, height // 8, width // 8))
    movie = np.kron(coarse, np.ones((1, 1, 8, 8))) + rng.normal(0, 20, size=(sessions, frames, height, width))
    stimuli = np.clip(np.round(movie), 0, 255).astype(np.uint8)
    perspectives = rng.normal(size=(sessions, frames, 2)).astype(np.float32)
    modulations = rng.normal(size=(sessions, frames, 2)).astype(np.float32)
    return stimuli, perspectives, modulations


@torch.no_grad()
def write_metadata(module, path: str, frame_rate_hz: float, description: str, probe_seed: int) -> None:
    """The JSON beside the module: what the service needs and the module cannot say, and one probe step from
    initial_state(1) with its expected rates (the loader's numerics self-check)."""
    rng = np.random.default_rng(probe_seed)
    frame = rng.uniform(0, 1, size=(1, 1, module.height, module.width)).astype(np.float32)
    perspective = rng.normal(size=(1, 2)).astype(np.float32)
    modulation = rng.normal(size=(1, 2)).astype(np.float32)
    rates, _ = module(torch.from_numpy(frame), torch.from_numpy(perspective), torch.from_numpy(modulation),
                      module.initial_state(1))
    meta = {
        "contract_version": CONTRACT_VERSION,
        "description": description,
        "frame_rate_hz": frame_rate_hz,
        "unit_ids": [f"unit-{i}" for i in range(module.units)],
        "statistics": {
            "perspective_mean": [0.0, 0.0], "perspective_std": [1.0, 1.0],
            "modulation_mean": [0.0, 0.0], "modulation_std": [1.0, 1.0],
        },
        "probe": {
            "frame": [float(v) for v in frame.reshape(-1)],
            "perspective": [float(v) for v in perspective.reshape(-1)],
            "modulation": [float(v) for v in modulation.reshape(-1)],
            "rates": [float(v) for v in rates.reshape(-1)],
            "tolerance": 1e-4,
        },
    }
    with open(path, "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")


def export(module: torch.nn.Module, out_dir: str, name: str, description: str, seed: int,
           frame_rate_hz: float = 30.0, sessions: int = 3, frames: int = 12, rig_height: int = 72,
           rig_width: int = 128) -> None:
    """Script, save, reload and check the module; write NAME.pt, NAME.json and the fixture
    NAME-{stimuli,perspectives,modulations,responses}.npy made by stepping the saved file."""
    os.makedirs(out_dir, exist_ok=True)
    module.eval()
    scripted = torch.jit.script(module)
    pt = os.path.join(out_dir, name + ".pt")
    torch.jit.save(scripted, pt)
    loaded = torch.jit.load(pt)
    check_contract(loaded)
    write_metadata(loaded, os.path.join(out_dir, name + ".json"), frame_rate_hz, description, seed + 1)
    stimuli, perspectives, modulations = fixture_inputs(seed + 2, sessions, frames, rig_height, rig_width)
    responses = predict(loaded, stimuli, perspectives, modulations)
    for suffix, array in (("stimuli", stimuli), ("perspectives", perspectives), ("modulations", modulations),
                          ("responses", responses)):
        np.save(os.path.join(out_dir, f"{name}-{suffix}.npy"), array)
    print(f"{pt}: {os.path.getsize(pt)} bytes, units {loaded.units}, {loaded.height} x {loaded.width}, "
          f"state {[list(s.shape) for s in loaded.initial_state(1)]}, responses {list(responses.shape)} "
          f"mean {responses.mean():.4f} min {responses.min():.4f} max {responses.max():.4f}")
