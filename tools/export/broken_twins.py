"""Tiny TorchScript modules that each break one rule of twinloop's step contract, for the loader's tests
(each must be refused with one line naming the problem). Not twins: a linear map of the mean pixel.

Usage: /usr/bin/python3 tools/export/broken_twins.py OUT_DIR
"""
import os
import sys
from typing import List, Tuple

import torch
from torch import Tensor, nn


class Base(nn.Module):
    """A valid contract module: rates = softplus(w * mean pixel + b), state = a running count [N, 1]."""

    def __init__(self, units: int = 3):
        super().__init__()
        self.units = units
        self.height = 4
        self.width = 6
        self.contract_version = 1
        self.weight = nn.Parameter(torch.linspace(-1, 1, units))

    @torch.jit.export
    def initial_state(self, batch: int) -> List[Tensor]:
        return [torch.zeros(batch, 1)]

    def forward(self, frame: Tensor, perspective: Tensor, modulation: Tensor,
                state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        drive = frame.mean(dim=(1, 2, 3))[:, None] * self.weight + state[0]
        return torch.nn.functional.softplus(drive), [state[0] + 1]


class WrongVersion(Base):
    def __init__(self):
        super().__init__()
        self.contract_version = 2


class NoUnits(nn.Module):
    def __init__(self):
        super().__init__()
        self.height = 4
        self.width = 6
        self.contract_version = 1

    @torch.jit.export
    def initial_state(self, batch: int) -> List[Tensor]:
        return [torch.zeros(batch, 1)]

    def forward(self, frame: Tensor, perspective: Tensor, modulation: Tensor,
                state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        return frame.mean(dim=(1, 2, 3))[:, None], state


class LayersFirst(Base):
    """An nn.LSTM's own [layers, N, H] state, not transposed."""

    @torch.jit.export
    def initial_state(self, batch: int) -> List[Tensor]:
        return [torch.zeros(1, batch, 5)]


class Counter(Base):
    """forward changes the module: the same step twice gives different rates."""

    def __init__(self):
        super().__init__()
        self.register_buffer("steps", torch.zeros(1))

    def forward(self, frame: Tensor, perspective: Tensor, modulation: Tensor,
                state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        self.steps += 1
        return torch.nn.functional.softplus(self.steps * self.weight).expand(frame.shape[0], self.units), state


class WrongUnits(Base):
    """rates [N, units + 1]."""

    def forward(self, frame: Tensor, perspective: Tensor, modulation: Tensor,
                state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        return torch.ones(frame.shape[0], self.units + 1), state


class NegativeRates(Base):
    def forward(self, frame: Tensor, perspective: Tensor, modulation: Tensor,
                state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        return frame.mean(dim=(1, 2, 3))[:, None] * self.weight - 1, state


class Raises(Base):
    """forward reads a state tensor that initial_state does not make."""

    def forward(self, frame: Tensor, perspective: Tensor, modulation: Tensor,
                state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        return torch.nn.functional.softplus(state[1].expand(frame.shape[0], self.units)), state


class NoInitialState(nn.Module):
    def __init__(self):
        super().__init__()
        self.units = 3
        self.height = 4
        self.width = 6
        self.contract_version = 1

    def forward(self, frame: Tensor, perspective: Tensor, modulation: Tensor,
                state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        return frame.mean(dim=(1, 2, 3))[:, None].expand(frame.shape[0], 3), state


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(5)
    for name, module in (("valid", Base()), ("wrong-version", WrongVersion()), ("no-units", NoUnits()),
                         ("layers-first", LayersFirst()), ("counter", Counter()), ("wrong-units", WrongUnits()),
                         ("negative-rates", NegativeRates()), ("raises", Raises()),
                         ("no-initial-state", NoInitialState())):
        path = os.path.join(out_dir, name + ".pt")
        torch.jit.save(torch.jit.script(module.eval()), path)
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
