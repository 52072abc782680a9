"""A ViV1T-style twin (after Li, Rochefort and Onken's Sensorium 2023 winner, bryanlimy/ViV1T) exported to
twinloop's TorchScript step contract, with random weights (fixed seed) and small sizes for test fixtures.

The architecture's shape: a window of past frames (kept in the state, so the module steps one frame at a time)
is cut into tubelets (2 frames x 8 x 8 pixels, spatial stride 4) and projected to tokens; factorised attention
first attends across space within each temporal token, then across time at each spatial position; behaviour
(pupil centre, pupil radius, running speed of the frames of a tubelet) enters every block as a token offset made
by a small MLP (ViV1T's B-MLP); the last temporal token's map is read out per neuron at a learned position
(shifted by the pupil centre, ViV1T's shifter) and passed through ELU + 1.

A window that has not filled yet (the first frames of a session) masks its empty temporal tokens out of the
temporal attention, so the twin's first responses do not depend on the zeros of the initial state.

Usage: /usr/bin/python3 tools/export/viv1t_twin.py OUT_DIR
"""
import math
import sys
from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

import contract


class Tubelets(nn.Module):
    """Window of frames [N, L, H, W] -> tokens [N, T, P, D], T = L - 1 temporal and P = h x w spatial tokens,
    with learned spatial and temporal position embeddings."""

    def __init__(self, window: int, height: int, width: int, dim: int, patch: int, stride: int):
        super().__init__()
        self.project = nn.Conv3d(1, dim, kernel_size=(2, patch, patch), stride=(1, stride, stride))
        self.grid_h = (height - patch) // stride + 1
        self.grid_w = (width - patch) // stride + 1
        self.norm = nn.LayerNorm(dim)
        self.spatial = nn.Parameter(0.02 * torch.randn(1, 1, self.grid_h * self.grid_w, dim))
        self.temporal = nn.Parameter(0.02 * torch.randn(1, window - 1, 1, dim))

    def forward(self, frames: Tensor) -> Tensor:
        x = self.project(frames.unsqueeze(1))  # [N, D, T, h, w]
        x = x.flatten(3).permute(0, 2, 3, 1)  # [N, T, P, D]
        return self.norm(x) + self.spatial + self.temporal


class BehaviourMlp(nn.Module):
    """Behaviour of a tubelet's frames [B, 2 x 4] -> token offset [B, D] (ViV1T's B-MLP)."""

    def __init__(self, dim: int):
        super().__init__()
        self.hidden = nn.Linear(8, dim // 2)
        self.out = nn.Linear(dim // 2, dim)

    def forward(self, behaviour: Tensor) -> Tensor:
        return torch.tanh(self.out(torch.tanh(self.hidden(behaviour))))


class Attention(nn.Module):
    """Pre-norm multi-head self-attention over the sequence [B, S, D]; mask [B, S] (True = key may be seen)."""

    def __init__(self, dim: int, heads: int, head_dim: int):
        super().__init__()
        self.heads = heads
        self.head_dim = head_dim
        self.norm = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * heads * head_dim, bias=False)
        self.out = nn.Linear(heads * head_dim, dim)

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        b, s, _ = x.shape
        qkv = self.qkv(self.norm(x)).reshape(b, s, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]  # [B, heads, S, head_dim]
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.head_dim)  # [B, heads, S, S]
        scores = scores.masked_fill(~mask[:, None, None, :], float("-inf"))
        attended = torch.matmul(torch.softmax(scores, dim=-1), v)  # [B, heads, S, head_dim]
        return self.out(attended.transpose(1, 2).reshape(b, s, self.heads * self.head_dim))


class Block(nn.Module):
    """Behaviour offset, attention and feed-forward, each residual: [B, S, D] -> [B, S, D]."""

    def __init__(self, dim: int, heads: int, head_dim: int, mlp_dim: int):
        super().__init__()
        self.behaviour = BehaviourMlp(dim)
        self.attention = Attention(dim, heads, head_dim)
        self.feed_forward = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, mlp_dim), nn.GELU(),
                                          nn.Linear(mlp_dim, dim))

    def forward(self, x: Tensor, behaviour: Tensor, mask: Tensor) -> Tensor:
        x = x + self.behaviour(behaviour)
        x = x + self.attention(x, mask)
        return x + self.feed_forward(x)


class FactorisedCore(nn.Module):
    """Tokens [N, T, P, D] -> the last temporal token's map [N, D, h, w]: spatial blocks within each temporal
    token, then temporal blocks at each spatial position (empty window slots masked out)."""

    def __init__(self, dim: int, heads: int, head_dim: int, mlp_dim: int, depth: int, grid_h: int, grid_w: int):
        super().__init__()
        self.spatial = nn.ModuleList([Block(dim, heads, head_dim, mlp_dim) for _ in range(depth)])
        self.temporal = nn.ModuleList([Block(dim, heads, head_dim, mlp_dim) for _ in range(depth)])
        self.grid_h = grid_h
        self.grid_w = grid_w

    def forward(self, tokens: Tensor, behaviour: Tensor, valid: Tensor) -> Tensor:
        n, t, p, d = tokens.shape
        x = tokens.reshape(n * t, p, d)
        per_frame = behaviour.reshape(n * t, -1)  # [N T, 8]
        everywhere = torch.ones(n * t, p, dtype=torch.bool, device=tokens.device)
        for block in self.spatial:
            x = block(x, per_frame[:, None, :], everywhere)
        x = x.reshape(n, t, p, d).transpose(1, 2).reshape(n * p, t, d)
        per_position = behaviour[:, None].expand(n, p, t, 8).reshape(n * p, t, 8)
        mask = valid[:, None].expand(n, p, t).reshape(n * p, t)
        for block in self.temporal:
            x = block(x, per_position, mask)
        last = x[:, -1].reshape(n, p, d)
        return last.transpose(1, 2).reshape(n, d, self.grid_h, self.grid_w)


class GaussianReadout(nn.Module):
    """Map [N, D, h, w] and pupil centre [N, 2] -> rates [N, U]: each neuron's features at its position,
    shifted by the pupil centre, bilinearly sampled, weighted, ELU + 1."""

    def __init__(self, units: int, dim: int):
        super().__init__()
        self.position = nn.Parameter(torch.empty(units, 2).uniform_(-0.8, 0.8))
        self.features = nn.Parameter(torch.randn(units, dim) / math.sqrt(dim))
        self.bias = nn.Parameter(torch.zeros(units))
        self.shifter = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.Tanh())

    def forward(self, core: Tensor, pupil_centre: Tensor) -> Tensor:
        grid = (self.position[None] + 0.1 * self.shifter(pupil_centre)[:, None]).clamp(-1, 1)  # [N, U, 2]
        sampled = F.grid_sample(core, grid[:, :, None], mode="bilinear", align_corners=False)  # [N, D, U, 1]
        rates = (sampled[..., 0].transpose(1, 2) * self.features[None]).sum(-1) + self.bias
        return F.elu(rates) + 1


class ViV1TTwin(nn.Module):
    """The step contract around the window: state = [frames [N, L, H, W], behaviour [N, L, 4], filled [N, L]]."""

    def __init__(self, units: int = 24, height: int = 36, width: int = 64, window: int = 8, dim: int = 16,
                 heads: int = 2, head_dim: int = 8, mlp_dim: int = 32, depth: int = 1):
        super().__init__()
        self.units = units
        self.height = height
        self.width = width
        self.contract_version = contract.CONTRACT_VERSION
        self.window = window
        self.tubelets = Tubelets(window, height, width, dim, patch=8, stride=4)
        self.core = FactorisedCore(dim, heads, head_dim, mlp_dim, depth, self.tubelets.grid_h,
                                   self.tubelets.grid_w)
        self.readout = GaussianReadout(units, dim)

    @torch.jit.export
    def initial_state(self, batch: int) -> List[Tensor]:
        return [torch.zeros(batch, self.window, self.height, self.width),
                torch.zeros(batch, self.window, 4),
                torch.zeros(batch, self.window)]

    @torch.jit.export
    def state_names(self) -> List[str]:
        return ["frames", "behaviour", "filled"]

    def forward(self, frame: Tensor, perspective: Tensor, modulation: Tensor,
                state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        frames = torch.cat([state[0][:, 1:], frame], dim=1)  # [N, L, H, W]
        behaviour = torch.cat([state[1][:, 1:], torch.cat([perspective, modulation], 1)[:, None]], dim=1)
        filled = torch.cat([state[2][:, 1:], torch.ones_like(state[2][:, :1])], dim=1)  # [N, L]
        tubelet_behaviour = torch.cat([behaviour[:, :-1], behaviour[:, 1:]], dim=2)  # [N, L - 1, 8]
        valid = filled[:, 1:] > 0.5  # a tubelet counts once its later frame is in the window
        core = self.core(self.tubelets(frames), tubelet_behaviour, valid)
        return self.readout(core, perspective), [frames, behaviour, filled]


def main(out_dir: str) -> None:
    torch.manual_seed(19)
    contract.export(ViV1TTwin(), out_dir, "viv1t", "ViV1T-style twin, random weights (tools/export/viv1t_twin.py)",
                    seed=19)


if __name__ == "__main__":
    main(sys.argv[1])
