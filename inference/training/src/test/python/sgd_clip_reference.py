"""Reference numbers for NesterovSgdTest: fnn's SgdClip.step (fnn/train/optimizers.py) on two tiny
parameters over three steps. Runs fnn's own optimizer module from the read-only mirror; prints the
values that the Java test hard-codes."""
import subprocess
import types

import torch

source = subprocess.check_output(
    ["git", "-C", "/work/.mirror/vijk777+fnn/repo", "show", "HEAD:fnn/train/optimizers.py"], text=True)
optimizers = types.ModuleType("optimizers")
exec(source, optimizers.__dict__)
params_src = subprocess.check_output(
    ["git", "-C", "/work/.mirror/vijk777+fnn/repo", "show", "HEAD:fnn/model/parameters.py"], text=True)
parameters = types.ModuleType("parameters")
exec(params_src, parameters.__dict__)

w = parameters.Parameter(torch.tensor([[1.0, -2.0, 0.5], [0.1, 0.2, -0.3]]))
w.norm_dim = 1
b = parameters.Parameter(torch.tensor([0.0, 0.0]))
b.decay = False
b.scale = 3.0
grads = [
    (torch.tensor([[0.5, 0.5, -1.0], [4.0, -3.0, 2.0]]), torch.tensor([0.01, -0.02])),
    (torch.tensor([[-0.2, 0.1, 0.3], [0.05, 0.0, -0.1]]), torch.tensor([0.5, 0.25])),
    (torch.tensor([[0.1, -0.1, 0.1], [-0.2, 0.3, 0.0]]), torch.tensor([-0.1, 0.0])),
]
opt = optimizers.SgdClip(lr=0.1, decay=0.05, momentum=0.9, nesterov=True, clip=0.5, eps=0.01)
for lr, (gw, gb) in zip([0.1, 0.05, 0.2], grads):
    w.grad = gw.clone()
    b.grad = gb.clone()
    opt.step({"w": w, "b": b}, lr=lr, momentum=0.9, nesterov=True, decay=0.05, clip=0.5, eps=0.01)
    print("w", [round(x, 7) for x in w.detach().flatten().tolist()])
    print("b", [round(x, 7) for x in b.detach().flatten().tolist()])
