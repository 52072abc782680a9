"""A shallow contrastive-style twin (after Nayebi et al., "Mouse visual cortex as a limited resource system: a
self-supervised learning approach", PLOS Comput. Biol. 2023: a few convolutions on low-resolution input are the
best models of mouse visual cortex) exported to twinloop's TorchScript step contract, with random weights (fixed
seed) and small sizes for test fixtures.

Shape: a 32 x 64 frame through three convolutions (5 x 5 stride 2, 3 x 3 with max pooling, 3 x 3), a leaky
temporal integrator per channel (the recurrent state: a smoothed feature map that a contrastive core trained on
still images lacks), a factorised readout (a spatial mask and feature weights per neuron), and a multiplicative
gain from behaviour (pupil centre, pupil radius, running speed), softplus for non-negative rates.

Channel counts are multiples of 16: libtorch 2.7.1's oneDNN AVX-512 kernels compute dense convolutions with
other counts above 16 wrong at batch >= 2 on AMD Zen 5 (the loader's batch check refuses such a module there).

Usage: /usr/bin/python3 tools/export/shallow_twin.py OUT_DIR
"""
import sys
from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

import contract


class ShallowCore(nn.Module):
    """Frame [N, 1, 32, 64] -> feature map [N, C, 8, 16]."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=5, stride=2, padding=2)
        self.conv2 = nn.Conv2d(16, channels, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, frame: Tensor) -> Tensor:
        x = F.relu(self.conv1(frame - 0.5))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.relu(self.conv3(x))


class LeakyIntegrator(nn.Module):
    """Smoothed map s' = a s + (1 - a) x with one time constant a = sigmoid(w) per channel: [N, C, h, w]."""

    def __init__(self, channels: int):
        super().__init__()
        self.logit = nn.Parameter(torch.linspace(-1.0, 2.0, channels))

    def forward(self, x: Tensor, smoothed: Tensor) -> Tensor:
        a = torch.sigmoid(self.logit)[None, :, None, None]
        return a * smoothed + (1 - a) * x


class FactorisedReadout(nn.Module):
    """Map [N, C, h, w] -> drive [N, U]: a spatial mask [U, h, w] and feature weights [U, C] per neuron."""

    def __init__(self, units: int, channels: int, grid_h: int, grid_w: int):
        super().__init__()
        self.mask = nn.Parameter(torch.rand(units, grid_h, grid_w) / (grid_h * grid_w) ** 0.5)
        self.features = nn.Parameter(torch.randn(units, channels) / channels ** 0.5)
        self.bias = nn.Parameter(torch.zeros(units))

    def forward(self, x: Tensor) -> Tensor:
        pooled = torch.einsum("nchw,uhw->nuc", x, self.mask)
        return (pooled * self.features[None]).sum(-1) + self.bias


class BehaviourGain(nn.Module):
    """Pupil centre and modulation [N, 4] -> a positive gain per neuron [N, U]."""

    def __init__(self, units: int):
        super().__init__()
        self.linear = nn.Linear(4, units)
        nn.init.normal_(self.linear.weight, std=0.2)
        nn.init.zeros_(self.linear.bias)

    def forward(self, behaviour: Tensor) -> Tensor:
        return torch.exp(self.linear(behaviour))


class ShallowTwin(nn.Module):
    """The step contract: state = [smoothed feature map [N, C, 8, 16]]."""

    def __init__(self, units: int = 32, height: int = 32, width: int = 64, channels: int = 32):
        super().__init__()
        self.units = units
        self.height = height
        self.width = width
        self.contract_version = contract.CONTRACT_VERSION
        self.channels = channels
        self.grid_h = height // 4
        self.grid_w = width // 4
        self.core = ShallowCore(channels)
        self.integrator = LeakyIntegrator(channels)
        self.readout = FactorisedReadout(units, channels, self.grid_h, self.grid_w)
        self.gain = BehaviourGain(units)

    @torch.jit.export
    def initial_state(self, batch: int) -> List[Tensor]:
        return [torch.zeros(batch, self.channels, self.grid_h, self.grid_w)]

    @torch.jit.export
    def state_names(self) -> List[str]:
        return ["smoothed"]

    def forward(self, frame: Tensor, perspective: Tensor, modulation: Tensor,
                state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        smoothed = self.integrator(self.core(frame), state[0])
        drive = self.readout(smoothed)
        rates = F.softplus(drive) * self.gain(torch.cat([perspective, modulation], dim=1))
        return rates, [smoothed]


def main(out_dir: str) -> None:
    torch.manual_seed(23)
    contract.export(ShallowTwin(), out_dir, "shallow",
                    "shallow contrastive-style twin, random weights (tools/export/shallow_twin.py)", seed=23)


if __name__ == "__main__":
    main(sys.argv[1])
