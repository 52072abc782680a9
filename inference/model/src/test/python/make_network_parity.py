"""Generates the reference data of twinloop's whole-network parity tests (NetworkParityTest).

Run from the repository root with Debian's python3 (torch 1.13, numpy) and an extracted copy of the fnn
reference implementation (never committed):

    git -C <fnn mirror> archive HEAD | tar -x -C /tmp/fnn
    /usr/bin/python3 inference/model/src/test/python/make_network_parity.py /tmp/fnn

For each configuration (tiny, small, published) the network is built as fnn/microns/build.py builds it (tiny and
small at the widths of NetworkConfig.tiny / small; published is build.network(48) with the fnn-parity fixture's
params_core.pt and params_scan.pt) and stepped from reset over T frames of seeded inputs:
  - every stream path: all streams (None) and each single stream;
  - batch 2 and batch 1 (the first session alone, computed by fnn at batch 1);
  - inference mode (eval) and training mode (train, except the monitor, whose jitter the Java port lacks): the
    readout samples each unit's position from its Gaussian once per sequence; the standard-normal draw is the
    fixture's noise.npy, installed in fnn's Gaussian in place of its randn_like, and the Java side takes the same
    draw (Network.forwardTraining);
  - gradients (torch.autograd, training mode, batch 2) of the fixed scalar sum_{t,n,u} weights[t,n,u] *
    response[t,n,u] w.r.t. a few parameters of every module, for all streams and for one stream.

Files per case directory net-parity-<config>/ (float32 .npy unless said):
  params.f32.npy, params.index   tiny and small only (format of make_parity.py); published reads fnn-parity's .pt
  stimulus [T, 2, 1, H, W]  (published: none; the test reads the first T frames of fnn-parity's stimuli.npy / 255)
  perspective [T, 2, 2], modulation [T, 2, 2], noise [2, U, 2], weights [T, 2, U]
  response_<mode>_<path>_n<N> [T, N, U]   mode: eval | train; path: all | s<k>; N: 1 | 2
  grad_<path>.<key>                         d(objective)/d(parameter key), same shape as the parameter
  grads.txt                                 one line per gradient: "<path> <key>"
  conditioning.txt                          "<path> <key> <e>": e = max |fnn float32 - fnn float64| / max |float64|
                                            of that gradient, how well float32 can determine it at all
"""
import importlib.util
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_parity import jitter, save, save_params  # noqa: E402

RESOURCES = "inference/model/src/test/resources"
FIXTURE = os.path.join(RESOURCES, "fnn-parity")
T = 3


def load_build(fnn_root):
    sys.path.insert(0, fnn_root)
    # build.py only imports fnn.model; loading it directly avoids fnn.microns' download helpers
    spec = importlib.util.spec_from_file_location("fnn_build", fnn_root + "/fnn/microns/build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    return build


def reduced_network(units, streams, channels):
    """fnn's published architecture at reduced widths: NetworkConfig.small (channels = 8, 4 streams) and
    NetworkConfig.tiny (channels = 4, 1 stream); PerspectiveConfig.small, ModulationConfig.small."""
    from fnn.model.feedforwards import InputDense
    from fnn.model.recurrents import CvtLstm
    from fnn.model.cores import FeedforwardRecurrent
    from fnn.model.monitors import Plane
    from fnn.model.pixels import StaticPower, SigmoidPower
    from fnn.model.retinas import Angular
    from fnn.model.perspectives import MlpMonitorRetina
    from fnn.model.modulations import MlpLstm
    from fnn.model.positions import Gaussian
    from fnn.model.bounds import Tanh
    from fnn.model.features import Vanilla
    from fnn.model.readouts import PositionFeature
    from fnn.model.reductions import Mean
    from fnn.model.units import Poisson
    from fnn.model.networks import Visual

    c = channels
    feedforward = InputDense(input_spatial=6, input_stride=2, block_channels=[c, 2 * c, 4 * c], block_groups=[1, 2, 4],
                             block_layers=[2, 2, 2], block_temporals=[3, 3, 3], block_spatials=[3, 3, 3],
                             block_pools=[2, 2, 1], out_channels=4 * c, nonlinear="gelu")
    recurrent = CvtLstm(in_channels=8 * c, out_channels=4 * c, hidden_channels=8 * c, common_channels=16 * c,
                        groups=8, spatial=3)
    perspective = MlpMonitorRetina(mlp_features=8, mlp_layers=2, mlp_nonlinear="gelu", height=32, width=48,
                                   monitor=Plane(), monitor_pixel=StaticPower(power=1.7),
                                   retina=Angular(degrees=75), retina_pixel=SigmoidPower())
    modulation = MlpLstm(mlp_features=8, mlp_layers=1, mlp_nonlinear="gelu", lstm_features=8)
    readout = PositionFeature(position=Gaussian(), bound=Tanh(), feature=Vanilla())
    network = Visual(core=FeedforwardRecurrent(feedforward=feedforward, recurrent=recurrent),
                     perspective=perspective, modulation=modulation, readout=readout, reduce=Mean(), unit=Poisson())
    network._init(stimuli=1, perspectives=2, modulations=2, streams=streams, units=units)
    return network


def install_noise(network, noise):
    """fnn's Gaussian.sample with randn_like replaced by the given draw (its formula, kept in the graph)."""
    position = network.readout.position
    n = noise.shape[0]
    x = position.mu.repeat(n, 1, 1)
    position.position = x + torch.einsum("U C D , N U D -> N U C", position.sigma, noise)


def run(network, inputs, stream, training, noise, n):
    """Steps the network from reset over the frames; returns [T, n, U] responses (in the autograd graph)."""
    stimulus, perspective, modulation = inputs
    network.train(training)
    # fnn also jitters the monitor's centre and angles in training mode; the Java port does not (see
    # NetworkTrainingModel), so the monitor stays in eval mode and the comparison covers the readout's sampling
    network.perspective.monitor.train(False)
    network.reset()
    if training:
        install_noise(network, noise[:n])
    out = []
    for t in range(stimulus.shape[0]):
        out.append(network(stimulus[t, :n], perspective[t, :n], modulation[t, :n], stream=stream))
    return torch.stack(out)


def case(name, network, inputs, grad_keys, grad_stream, seed, save_stimulus=True, make_float64=None):
    out = os.path.join(RESOURCES, name)
    os.makedirs(out, exist_ok=True)
    gen = torch.Generator().manual_seed(seed)
    units = network.readout.units
    noise = torch.randn(2, units, 2, generator=gen)
    weights = torch.randn(inputs[0].shape[0], 2, units, generator=gen)
    for key, tensor in [("stimulus", inputs[0]), ("perspective", inputs[1]), ("modulation", inputs[2]),
                        ("noise", noise), ("weights", weights)]:
        if key != "stimulus" or save_stimulus:
            save(out, key, tensor)
    paths = [("all", None)] + [(f"s{s}", s) for s in range(network.streams)]
    with torch.no_grad():
        for mode, training in [("eval", False), ("train", True)]:
            for tag, stream in paths:
                for n in (1, 2):
                    r = run(network, inputs, stream, training, noise, n)
                    save(out, f"response_{mode}_{tag}_n{n}", r)
                    print(f"{name} {mode} {tag} n{n}: response mean {r.mean():.3f} std {r.std():.3f} "
                          f"max {r.max():.3f}")
    params = dict(network.named_parameters())
    lines = []
    for tag, stream in [("all", None), (f"s{grad_stream}", grad_stream)]:
        network.zero_grad()
        r = run(network, inputs, stream, True, noise, 2)
        (weights * r).sum().backward()
        for key in grad_keys:
            g = params[key].grad
            save(out, f"grad_{tag}.{key}", g)
            lines.append(f"{tag} {key}")
            print(f"{name} grad {tag} {key} {tuple(g.shape)}: max |g| {g.abs().max():.3g}")
    if make_float64 is not None:
        conditioning(network, make_float64, inputs, noise, weights, grad_keys, grad_stream, name)
    with open(os.path.join(out, "grads.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    network.zero_grad()


def conditioning(network, make_float64, inputs, noise, weights, keys, grad_stream, name):
    """Prints how far fnn's own float32 gradients are from its float64 ones (max error relative to the largest
    entry): the float32 conditioning of each compared gradient, the floor of any float32 port's agreement."""
    paths = [("all", None), (f"s{grad_stream}", grad_stream)]

    def gradients(net, cast):
        out = {}
        for tag, stream in paths:
            net.zero_grad()
            r = run(net, tuple(cast(x) for x in inputs), stream, True, cast(noise), 2)
            (cast(weights) * r).sum().backward()
            params = dict(net.named_parameters())
            out[tag] = {k: params[k].grad.double().clone() for k in keys}
        net.zero_grad()
        return out

    single = gradients(network, lambda t: t)
    state = {k: v.double() for k, v in network.state_dict().items()}
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # fnn makes some tensors (grids, states) in the default dtype
    try:
        exact = make_float64()
        exact.load_state_dict(state)
        double = gradients(exact, lambda t: t.double())
    finally:
        torch.set_default_dtype(default)
    lines = []
    for tag, _ in paths:
        errors = {k: float((single[tag][k] - double[tag][k]).abs().max() / double[tag][k].abs().max()) for k in keys}
        key = max(errors, key=errors.get)
        print(f"{name} grad {tag}: fnn float32 vs float64, worst max relative error {errors[key]:.2e} ({key})")
        lines += [f"{tag} {k} {errors[k]:.3e}" for k in keys]
    with open(os.path.join(RESOURCES, name, "conditioning.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def inputs_for(seed, height, width, n=2):
    """Seeded inputs; the stimulus is smooth (coarse uniform noise upsampled bilinearly x4), like natural movies:
    the gradient of bilinear sampling w.r.t. the sampling position jumps at pixel boundaries by the image's second
    differences, which for pixel-wise noise would make the perspective's gradients ill-conditioned in float32."""
    gen = torch.Generator().manual_seed(seed)
    coarse = torch.rand(T * n, 1, height // 4, width // 4, generator=gen)
    stimulus = torch.nn.functional.interpolate(coarse, size=(height, width), mode="bilinear", align_corners=False)
    stimulus = stimulus.reshape(T, n, 1, height, width)
    perspective = 0.5 * torch.randn(T, n, 2, generator=gen)
    modulation = torch.randn(T, n, 2, generator=gen)
    return stimulus, perspective, modulation


# parameters whose gradients are compared: a few of every module (perspective's MLP and retina pixel, modulation's
# MLP and LSTM, core's input, dense-block and recurrent convolutions, readout's position, feature and bias), of
# modest size; {s} is the stream whose parameters are taken (the single-stream path's stream, for both paths)
GRAD_KEYS = [
    "perspective.mlp.linears.0.weights.0",
    "perspective.mlp.linears.2.biases.0",
    "perspective.retina_pixel.scale",
    "modulation.mlp.linears.0.weights.{s}",
    "modulation.lstm.proj_f.weights.{s}",
    "core.feedforward.inputs.0.weights.{s}",
    "core.feedforward.blocks.0.convs.1.gains.{s}",
    "core.feedforward.blocks.1.convs.0.biases.{s}",
    "core.recurrent.scales.{s}",
    "core.recurrent.proj_i.biases.{s}",
    "core.recurrent.out.weights.{s}",
    "readout.position.mu",
    "readout.position.sigma",
    "readout.feature.weights.{s}",
    "readout.biases.{s}",
]


def grad_keys(network, stream):
    """GRAD_KEYS for one stream, checked against the network's parameter names (fnn's names are the checkpoint's)."""
    names = dict(network.named_parameters())
    keys = [k.format(s=stream) for k in GRAD_KEYS]
    missing = [k for k in keys if k not in names]
    if missing:
        raise KeyError(f"not parameters of the network: {missing}")
    return keys


if __name__ == "__main__":
    build = load_build(sys.argv[1])
    for name, streams, channels, units, seed in [("net-parity-tiny", 1, 4, 12, 11),
                                                 ("net-parity-small", 4, 8, 16, 13)]:
        torch.manual_seed(seed)
        network = reduced_network(units, streams, channels)
        jitter(network, seed + 1, scale=0.1)
        os.makedirs(os.path.join(RESOURCES, name), exist_ok=True)
        save_params(network, os.path.join(RESOURCES, name))
        case(name, network, inputs_for(seed + 2, 36, 64), grad_keys(network, streams - 1), streams - 1, seed + 3,
             make_float64=lambda: reduced_network(units, streams, channels))
    network = build.network(48)
    state = {}
    for file in ["params_core.pt", "params_scan.pt"]:
        state.update(torch.load(os.path.join(FIXTURE, file)))
    network.load_state_dict(state)
    stimuli = np.load(os.path.join(FIXTURE, "stimuli.npy"))  # uint8 [N, T', 144, 256]
    stimulus = torch.tensor(stimuli[:, :T, None] / 255, dtype=torch.float).transpose(0, 1).contiguous()
    perspective = torch.tensor(np.load(os.path.join(FIXTURE, "perspectives.npy"))[:, :T]).transpose(0, 1)
    modulation = torch.tensor(np.load(os.path.join(FIXTURE, "modulations.npy"))[:, :T]).transpose(0, 1)
    case("net-parity-published", network, (stimulus, perspective.contiguous(), modulation.contiguous()),
         grad_keys(network, 2), 2, 17, save_stimulus=False, make_float64=lambda: build.network(48))
