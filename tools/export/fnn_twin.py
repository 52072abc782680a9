"""fnn's own network (Wang et al., Nature 2025; vijk777/fnn, fnn/microns/build.py::network) wrapped in twinloop's
TorchScript step contract, so that the TorchScript path and the Java port can be checked against each other on the
same weights.

fnn keeps its recurrent state inside its modules (`past` dicts: the temporal convolutions' frame histories, the
core's and the modulation's LSTM states) and takes a different path on a session's first frame (its replicate-
padded temporal convolutions start from the first frame repeated). The wrapper makes all of it explicit: before
each step it installs the state it was given into those dicts, with a per-session `started` flag that selects the
first-frame history where the flag is 0, runs fnn's forward unchanged, and returns what fnn left in them. The step
is traced (torch.jit.trace) at batch 2 and wrapped in a scripted module that adds initial_state and the contract's
attributes; the loader's checks (batch 1 against batch 2, the same step twice) cover the trace's generality.

fnn's source is not part of twinloop: fetch it (MIT licence) and pass its path. Its package imports tqdm and
pandas for data loading, which inference does not need; they are stubbed when missing.

Usage:
  /usr/bin/python3 tools/export/fnn_twin.py FNN_SRC params_core.pt params_scan.pt OUT.pt [--check DIR]
  (--check DIR: a folder with fnn-parity's stimuli/perspectives/modulations/responses.npy to reproduce)
  /usr/bin/python3 tools/export/fnn_twin.py FNN_SRC --tiny PARAMS_DIR OUT.pt --height 36 --width 64
  (fnn's architecture at NetworkConfig.tiny's widths, with the parameters of a parity fixture folder,
  params.f32.npy + params.index as inference/model/src/test/python/make_parity.py writes them: a file small enough
  to commit, which the Java port's test steps beside the same network ported to Java)
"""
import argparse
import collections
import os
import sys
import types
from typing import List, Tuple

import numpy as np
import torch
from torch import Tensor, nn

import contract


class BlendedHistory(collections.deque):
    """A temporal convolution's history whose past entries are the state's, or, for sessions not yet started, the
    frame being appended (fnn's replicate start) or zeros (its zero start)."""

    def __init__(self, entries: List[Tensor], started: Tensor, replicate: bool, maxlen: int):
        super().__init__([entries[0]] + list(entries), maxlen=maxlen)
        self.entries = entries
        self.started = started
        self.replicate = replicate

    def append(self, x):
        flag = self.started.reshape([-1] + [1] * (x.dim() - 1)) > 0.5
        start = x if self.replicate else torch.zeros_like(x)
        blended = [torch.where(flag, e, start) for e in self.entries]
        self.clear()
        self.extend(blended + [x])


def stateful(network):
    """fnn's modules that keep state across frames, found after one plain step: temporal convolutions (a frame
    history) and LSTMs (h and c), each as (name, module). Refuses a module whose state it does not know."""
    from fnn.model.elements import Conv
    convs, lstms = [], []
    for name, module in network.named_modules():
        past = getattr(module, "past", None)
        if not isinstance(past, dict) or not past:
            continue
        if isinstance(module, Conv) and module.temporal > 1:
            convs.append((name, module))
        elif set(past) == {"h", "c"}:
            lstms.append((name, module))
        elif not set(past) <= {"stream", "weight", "history"} or past.get("history") is not None:
            raise ValueError(f"{name}: unknown state {sorted(past)}")
    return convs, lstms


class FnnStep(nn.Module):
    """One step of fnn on explicit state: [started [N], history entries ..., (h, c) ...] -> (rates, next state)."""

    def __init__(self, network):
        super().__init__()
        self.network = network
        self.convs: List = []
        self.lstms: List = []

    def forward(self, frame: Tensor, perspective: Tensor, modulation: Tensor, state: List[Tensor]):
        self.network.reset()
        started = state[0]
        k = 1
        for _, conv in self.convs:
            entries = state[k:k + conv.temporal - 1]
            k += conv.temporal - 1
            conv.past["stream"] = None
            conv.past["weight"] = conv.weight(None)
            conv.past["history"] = BlendedHistory(entries, started, conv.pad == "replicate", conv.temporal)
        for _, lstm in self.lstms:
            flag = (started > 0.5).reshape([-1] + [1] * (state[k].dim() - 1))
            lstm.past["h"] = torch.where(flag, state[k], torch.zeros_like(state[k]))
            lstm.past["c"] = torch.where(flag, state[k + 1], torch.zeros_like(state[k + 1]))
            k += 2
        rates = self.network(frame, perspective, modulation)
        out = [torch.ones_like(started)]
        for _, conv in self.convs:
            out.extend(list(conv.past["history"])[1:])
        for _, lstm in self.lstms:
            out.extend([lstm.past["h"], lstm.past["c"]])
        return rates, out


class FnnTwin(nn.Module):
    """The contract around the traced step."""

    def __init__(self, step, shapes: List[List[int]], names: List[str], units: int, height: int, width: int):
        super().__init__()
        self.step = step
        self.shapes = shapes
        self.names = names
        self.units = units
        self.height = height
        self.width = width
        self.contract_version = contract.CONTRACT_VERSION

    @torch.jit.export
    def initial_state(self, batch: int) -> List[Tensor]:
        return [torch.zeros([batch] + shape) for shape in self.shapes]

    @torch.jit.export
    def state_names(self) -> List[str]:
        return self.names

    def forward(self, frame: Tensor, perspective: Tensor, modulation: Tensor,
                state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        rates, next_state = self.step(frame, perspective, modulation, state)
        return rates, next_state


def trace_batch_sizes() -> None:
    """fnn takes the batch size with Python's len() and max(), which a trace records as constants (the traced
    step would then only take the batch it was traced at); tensor.size(0) is recorded as an operation."""
    import fnn.model.perspectives as perspectives
    import fnn.model.utils as utils
    utils.len = lambda tensor: tensor.size(0)
    perspectives.max = lambda first, *others: first


def load_fnn(fnn_src: str, core: str, scan: str):
    sys.path.insert(0, fnn_src)
    for name in ("tqdm", "pandas"):
        try:
            __import__(name)
        except ImportError:
            stub = types.ModuleType(name)
            stub.tqdm = lambda x, *a, **k: x
            sys.modules[name] = stub
    from fnn.microns.build import network
    trace_batch_sizes()
    params = torch.load(core, map_location="cpu")
    params.update(torch.load(scan, map_location="cpu"))
    units = params["readout.position.mu"].shape[0]
    net = network(units)
    net.load_state_dict(params)
    return net.eval(), units


def load_tiny(fnn_src: str, params_dir: str):
    """fnn's network at NetworkConfig.tiny's widths (1 stream, 4 channels), as make_network_parity.py builds it,
    with the parameters of a parity fixture folder."""
    sys.path.insert(0, fnn_src)
    tests = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../inference/model/src/test/python")
    sys.path.insert(0, os.path.abspath(tests))
    from make_network_parity import reduced_network
    trace_batch_sizes()
    flat = torch.from_numpy(np.load(os.path.join(params_dir, "params.f32.npy")))
    params = {}
    with open(os.path.join(params_dir, "params.index")) as index:
        for line in index:
            fields = line.split()  # a scalar's shape is empty
            key, offset = fields[0], fields[1]
            dims = [int(d) for d in fields[2].split(",")] if len(fields) > 2 else []
            size = int(np.prod(dims)) if dims else 1
            params[key] = flat[int(offset):int(offset) + size].reshape(dims).clone()
    units = params["readout.position.mu"].shape[0]
    net = reduced_network(units, streams=1, channels=4)
    net.load_state_dict(params)
    return net.eval(), units


@torch.no_grad()
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("fnn_src")
    parser.add_argument("files", nargs="+", help="params_core.pt params_scan.pt OUT.pt, or OUT.pt with --tiny")
    parser.add_argument("--tiny", metavar="PARAMS_DIR")
    parser.add_argument("--check")
    parser.add_argument("--height", type=int, default=144)
    parser.add_argument("--width", type=int, default=256)
    args = parser.parse_args()
    if args.tiny:
        (args.out,) = args.files
        net, units = load_tiny(args.fnn_src, args.tiny)
    else:
        params_core, params_scan, args.out = args.files
        net, units = load_fnn(args.fnn_src, params_core, params_scan)
    step = FnnStep(net)

    # one plain fnn step at batch 2 gives the state's shapes
    rng = np.random.default_rng(0)
    frame = torch.from_numpy(rng.uniform(0, 1, (2, 1, args.height, args.width)).astype(np.float32))
    behaviour = torch.from_numpy(rng.normal(size=(2, 2)).astype(np.float32))
    net.reset()
    net(frame, behaviour, behaviour)
    step.convs, step.lstms = stateful(net)
    shapes, names = [[1]], ["started"]
    for name, conv in step.convs:
        past = list(conv.past["history"])[1:]
        shapes += [list(t.shape[1:]) for t in past]
        names += [f"{name}.history.{i}" for i in range(len(past))]
    for name, lstm in step.lstms:
        shapes += [list(lstm.past["h"].shape[1:]), list(lstm.past["c"].shape[1:])]
        names += [f"{name}.h", f"{name}.c"]
    print(f"fnn: {units} units, {len(step.convs)} temporal convolutions, {len(step.lstms)} LSTMs, "
          f"{len(shapes)} state tensors, {sum(int(np.prod(s)) for s in shapes) * 4 / 1e6:.1f} MB per session")

    example = [torch.zeros([2] + s) for s in shapes]
    example[0] = torch.tensor([[0.0], [1.0]])
    traced = torch.jit.trace(step, (frame, behaviour, behaviour, example), strict=False, check_trace=False)
    twin = torch.jit.script(FnnTwin(traced, shapes, names, units, args.height, args.width))
    torch.jit.save(twin, args.out)
    loaded = torch.jit.load(args.out)
    contract.check_contract(loaded)

    if args.check:
        d = args.check
        stimuli = np.load(f"{d}/stimuli.npy")
        perspectives = np.load(f"{d}/perspectives.npy")
        modulations = np.load(f"{d}/modulations.npy")
        expected = np.load(f"{d}/responses.npy")
        ours = contract.predict(loaded, stimuli, perspectives, modulations)
        print(f"{args.out}: reproduces {d}/responses.npy {list(expected.shape)} within "
              f"{np.abs(ours - expected).max():.3g} (max |expected| {np.abs(expected).max():.3g})")
        alone = contract.predict(loaded, stimuli[:1], perspectives[:1], modulations[:1])
        print(f"session 0 alone vs in the batch of {stimuli.shape[0]}: {np.abs(alone[0] - ours[0]).max():.3g}")


if __name__ == "__main__":
    main()
