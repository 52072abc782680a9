"""Generates the reference data of twinloop's fnn parity tests (elements and core).

Run from the repository root with Debian's python3 (torch, numpy) and an extracted copy of the fnn
reference implementation (never committed):

    git -C <fnn mirror> archive HEAD | tar -x -C /tmp/fnn
    /usr/bin/python3 inference/model/src/test/python/make_parity.py /tmp/fnn [params_core.pt]

Each case directory under inference/model/src/test/resources/ gets
  params.f32.npy  all parameters and buffers, float32, concatenated in state_dict order
  params.index    one line per key: "<key> <offset> <d0,d1,...>" (bool buffers stored as 0/1)
  <name>.npy      inputs and outputs, float32
Modules are built as fnn builds them, in eval mode, with parameters jittered away from their initial
values so that gains and biases matter. With a params_core.pt argument, the published core case also
runs with those weights (its params are not written: the test reads the .pt itself).
"""
import os
import sys

import numpy as np
import torch

RESOURCES = "inference/model/src/test/resources"


def save_params(module, out, prefix=""):
    chunks, lines, offset = [], [], 0
    for key, value in module.state_dict().items():
        flat = value.detach().float().reshape(-1).numpy()
        shape = ",".join(str(d) for d in value.shape)
        lines.append(f"{prefix}{key} {offset} {shape}")
        chunks.append(flat)
        offset += flat.size
    np.save(os.path.join(out, "params.f32.npy"), np.concatenate(chunks).astype(np.float32))
    with open(os.path.join(out, "params.index"), "w") as f:
        f.write("\n".join(lines) + "\n")


def jitter(module, seed, scale=0.3):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(scale * torch.randn(p.shape, generator=gen))


def save(out, name, tensor):
    np.save(os.path.join(out, name + ".npy"), tensor.detach().float().numpy())


def frames(module, inputs, stream):
    """Steps a module from reset over a list of per-frame argument tuples."""
    module.reset()
    with torch.no_grad():
        return [module(*args, stream=stream) for args in inputs]


def elements_case():
    from fnn.model.elements import Conv, InterGroup, Lstm, Mlp

    out = os.path.join(RESOURCES, "elements-parity")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    root = torch.nn.Module()
    # temporal, grouped, zero-padded conv of 3 streams (like the dense blocks)
    root.conv = Conv(4, 6, in_groups=2, out_groups=2, streams=3, temporal=3, spatial=3)
    # strided, replicate-padded temporal conv without wnorm (like the input layer, plus a past)
    root.inconv = Conv(2, 4, out_groups=2, streams=3, temporal=2, spatial=4, stride=2, pad="replicate", wnorm=False)
    root.intergroup = InterGroup(6, 8, groups=2, streams=3, gain=0.7)
    root.lstm = Lstm(3, 5, streams=3)
    root.mlp = Mlp(2, [4, 3], [True, False], ["gelu", "tanh"], streams=3)
    jitter(root, 1)
    root.eval()
    save_params(root, out)

    T, N, S = 3, 2, 3
    x = torch.randn(T, N, S * 4, 7, 9)
    xin = torch.randn(T, N, S * 2, 8, 10)
    v = torch.randn(T, N, S * 3)
    m = torch.randn(N, S * 2)
    g = torch.randn(N, S * 6, 5, 6)
    for name, tensor in [("conv_x", x), ("inconv_x", xin), ("lstm_x", v), ("mlp_x", m), ("intergroup_x", g)]:
        save(out, name, tensor)
    for tag, stream in [("all", None), ("s1", 1)]:
        def part(t, c):  # one stream's channels along dim 1 of [N, S*c, ...]
            return t if stream is None else t[:, stream * c:(stream + 1) * c]
        save(out, f"conv_y_{tag}", torch.stack(frames(root.conv, [(part(x[t], 4),) for t in range(T)], stream)))
        save(out, f"inconv_y_{tag}", torch.stack(frames(root.inconv, [(part(xin[t], 2),) for t in range(T)], stream)))
        save(out, f"intergroup_y_{tag}", frames(root.intergroup, [(part(g, 6),)], stream)[0])
        save(out, f"lstm_y_{tag}", torch.stack(frames(root.lstm, [(part(v[t], 3),) for t in range(T)], stream)))
        save(out, f"mlp_y_{tag}", frames(root.mlp, [(part(m, 2),)], stream)[0])


def build_core(config, kind, recurrent, perspectives=1, modulations=16, streams=4):
    """A core as fnn/microns/build.py builds it; config mirrors CoreConfig in Java.
    kind names the class in fnn.model.recurrents: CvtLstm | ConvLstm | Rvt."""
    from fnn.model import recurrents
    from fnn.model.feedforwards import InputDense
    from fnn.model.cores import FeedforwardRecurrent

    feedforward = InputDense(**config)
    recurrent = getattr(recurrents, kind)(**recurrent)
    core = FeedforwardRecurrent(feedforward=feedforward, recurrent=recurrent)
    core._init(perspectives=perspectives, modulations=modulations, streams=streams)
    return core


SMALL = dict(input_spatial=6, input_stride=2, block_channels=[8, 16, 32], block_groups=[1, 2, 4],
             block_layers=[2, 2, 2], block_temporals=[3, 3, 3], block_spatials=[3, 3, 3], block_pools=[2, 2, 1],
             out_channels=32, nonlinear="gelu")
PUBLISHED = dict(SMALL, block_channels=[32, 64, 128], out_channels=128)
SMALL_CVT = dict(in_channels=64, out_channels=32, hidden_channels=64, common_channels=128, groups=8, spatial=3)
SMALL_CONV = dict(in_channels=64, out_channels=32, hidden_channels=64, groups=8, spatial=3)
PUBLISHED_CVT = dict(in_channels=256, out_channels=128, hidden_channels=256, common_channels=512, groups=8, spatial=3)


def core_case(name, core, N, T, H, W, stream, params=True, seed=2):
    """Steps the core from reset over T frames of seeded random inputs, all streams and one stream.
    The feedforward's outputs are saved too when params are (the small cases)."""
    out = os.path.join(RESOURCES, name)
    os.makedirs(out, exist_ok=True)
    core.eval()
    if params:
        save_params(core, out, prefix="core.")
    S, P, M = core.streams, core.perspectives, core.modulations
    gen = torch.Generator().manual_seed(seed)
    perspective = torch.randn(T, N, S * P, H, W, generator=gen)
    modulation = torch.randn(T, N, S * M, generator=gen)
    save(out, "perspective", perspective)
    save(out, "modulation", modulation)
    feedforward = []
    hook = core.feedforward.register_forward_hook(lambda m, i, o: feedforward.append(o))
    y = frames(core, [(perspective[t], modulation[t]) for t in range(T)], None)
    if params:
        save(out, "feedforward_all", torch.stack(feedforward))
    save(out, "core_all", torch.stack(y))
    feedforward.clear()
    p = perspective[:, :, stream * P:(stream + 1) * P]
    m = modulation[:, :, stream * M:(stream + 1) * M]
    y = frames(core, [(p[t], m[t]) for t in range(T)], stream)
    if params:
        save(out, f"feedforward_s{stream}", torch.stack(feedforward))
    save(out, f"core_s{stream}", torch.stack(y))
    hook.remove()


if __name__ == "__main__":
    sys.path.insert(0, sys.argv[1])
    elements_case()
    for seed, case, kind, recurrent in [
        (3, "core-parity-small", "CvtLstm", SMALL_CVT),
        (5, "core-parity-small-convlstm", "ConvLstm", SMALL_CONV),
        (7, "core-parity-small-rvt", "Rvt", SMALL_CVT),
    ]:
        torch.manual_seed(seed)
        small = build_core(SMALL, kind, recurrent)
        jitter(small, seed + 1)
        core_case(case, small, N=2, T=3, H=32, W=48, stream=2)
    if len(sys.argv) > 2:
        published = build_core(PUBLISHED, "CvtLstm", PUBLISHED_CVT)
        published.load_state_dict({k[len("core."):]: v for k, v in torch.load(sys.argv[2]).items()})
        core_case("core-parity-published", published, N=1, T=3, H=64, W=96, stream=1, params=False)
