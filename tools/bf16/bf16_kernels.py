#!/usr/bin/python3
"""Writes bf16-kernels.pt: a weightless TorchScript module through which the Java port computes its large
convolutions and matrix products in bfloat16 (fp32 in, fp32 out).

DJL 0.35.1 cannot hold a bfloat16 tensor (toType(BFLOAT16) ends the JVM), so the bf16 copies of the weights live
inside this module: the Java side registers each weight once under a name (`register`) and then calls `conv` or
`linear` with that name. Inputs are cast to bf16, oneDNN's bf16 kernels accumulate in fp32, the bf16 result is
cast back to fp32 and the fp32 bias is added in fp32.

Run with Debian's torch 1.13 (the file it writes loads in libtorch 2.7.1):
    /usr/bin/python3 tools/bf16/bf16_kernels.py inference/model/src/main/resources/io/twinloop/inference/model/bf16/bf16-kernels.pt
"""
import sys
from typing import Dict, List

import torch
from torch import Tensor


class Bf16Kernels(torch.nn.Module):
    weights: Dict[str, Tensor]
    biases: Dict[str, Tensor]

    def __init__(self):
        super().__init__()
        self.weights = {}
        self.biases = {}

    @torch.jit.export
    def register(self, name: str, weight: Tensor, bias: List[Tensor]) -> int:
        """Keeps weight (any shape) in bf16 and bias (none or one, fp32) under name; returns how many are held."""
        w = weight.detach().to(torch.bfloat16)
        # 4-d (convolution) weights channels-last, like the inputs: oneDNN's bf16 kernels run on NHWC without reorders
        self.weights[name] = w.contiguous(memory_format=torch.channels_last) if w.dim() == 4 else w.contiguous()
        if len(bias) > 0:
            self.biases[name] = bias[0].detach().to(torch.float32).contiguous()
        return len(self.weights)

    @torch.jit.export
    def forget(self) -> int:
        """Drops every weight held; returns how many there were."""
        held = len(self.weights)
        self.weights.clear()
        self.biases.clear()
        return held

    @torch.jit.export
    def conv(self, name: str, x: Tensor, stride: int, padding: int, groups: int) -> Tensor:
        """x [N, C, H, W] fp32, weight [O, C/groups, K, K] -> [N, O, H', W'] fp32.

        Computed channels-last (NHWC), which oneDNN runs without reordering the input, and returned channels-last:
        the next element-wise operations keep that layout, so the next convolution's input is NHWC already."""
        y = torch.conv2d(x.to(dtype=torch.bfloat16, memory_format=torch.channels_last), self.weights[name], None, [stride, stride], [padding, padding],
                         [1, 1], groups).to(torch.float32)
        if name in self.biases:
            y = y + self.biases[name].view(1, -1, 1, 1)
        return y

    @torch.jit.export
    def matmul(self, name: str, x: Tensor) -> Tensor:
        """x [..., K] fp32 times the held weight [K, M] -> [..., M] fp32 (plus the bias [M] when held)."""
        y = torch.matmul(x.to(torch.bfloat16), self.weights[name]).to(torch.float32)
        if name in self.biases:
            y = y + self.biases[name]
        return y

    @torch.jit.export
    def product(self, a: Tensor, b: Tensor) -> Tensor:
        """a [..., N, K] times b [..., K, M], both fp32 and both cast: -> [..., N, M] fp32 (a benchmark's yardstick)."""
        return torch.matmul(a.to(torch.bfloat16), b.to(torch.bfloat16)).to(torch.float32)

    def forward(self, x: Tensor) -> Tensor:
        return x


def main(path: str) -> None:
    torch.manual_seed(0)
    module = torch.jit.script(Bf16Kernels())
    # the module as saved must do what it says: check it against fp32 before writing
    w = torch.randn(8, 4, 3, 3)
    b = torch.randn(8)
    x = torch.randn(2, 4, 6, 7)
    module.register("c", w, [b])
    got = module.conv("c", x, 1, 1, 1)
    want = torch.conv2d(x, w, b, 1, 1)
    assert (got - want).abs().max() <= 0.05 * want.abs().max(), "bf16 conv far from fp32"
    module.forget()
    torch.jit.save(module, path)
    print(f"wrote {path} (torch {torch.__version__})")


if __name__ == "__main__":
    main(sys.argv[1])
