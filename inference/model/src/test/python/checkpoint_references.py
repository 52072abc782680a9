"""Generates the test references of io.twinloop.inference.checkpoint (run from the repository root).

    /usr/bin/python3 inference/model/src/test/python/checkpoint_references.py

Writes into inference/model/src/test/resources/checkpoint/:
  fnn-parity-reference.json  per key of the fnn-parity .pt fixtures: file, dtype, shape, float64 sum,
                             first 4 values (C order), as torch itself reads them.
  layouts.pt                 small tensors in layouts the Java reader must undo: transposed and
                             sliced views into shared storages, float64/float16/int64/int32/uint8/bool,
                             a scalar, a Parameter, nested dicts, wrapped as {"state_dict": ..., "epoch": 3}.
  layouts.json               for each key of layouts.pt: dtype, shape, all values in C order.
  endian-big.pt              {"f": float32 [1.5, -2.0], "l": int64 [1, 2**40]} with byteorder "big" and
                             every storage byte-swapped, as a big-endian machine would save it.
  legacy.pt                  the pre-1.6 (non-zip) torch.save format, which the reader must refuse.
Needs torch (tested with Debian's 1.13); the tests themselves never run Python.
"""
import collections
import json
import os
import zipfile

import torch

FIXTURES = "inference/model/src/test/resources/fnn-parity"
OUT = "inference/model/src/test/resources/checkpoint"


def values(t):
    t = t.detach().contiguous().reshape(-1)
    if t.dtype == torch.bool:
        t = t.to(torch.uint8)
    return t.tolist()


def parity_reference():
    ref = collections.OrderedDict()
    for name in ("params_core.pt", "params_scan.pt"):
        for key, t in torch.load(os.path.join(FIXTURES, name)).items():
            ref[key] = {
                "file": name,
                "dtype": str(t.dtype).replace("torch.", ""),
                "shape": list(t.shape),
                "sum": t.double().sum().item(),
                "first": values(t)[:4],
            }
    with open(os.path.join(OUT, "fnn-parity-reference.json"), "w") as f:
        json.dump(ref, f, indent=1)


def layouts():
    torch.manual_seed(3)
    base = torch.randn(4, 6)
    big = torch.arange(100, dtype=torch.int64)
    inner = collections.OrderedDict()
    inner["transposed"] = base.t()                      # stride (1, 6)
    inner["sliced"] = base[1:3, ::2]                    # offset 6, stride (6, 2), same storage
    inner["base"] = base
    inner["float64"] = torch.randn(2, 3, dtype=torch.float64)
    inner["float16"] = torch.randn(5).half()
    inner["int64.offset"] = big[10:20]                  # offset 10 into a 100-element storage
    inner["int32"] = torch.tensor([[-7, 0], [2 ** 31 - 1, -(2 ** 31)]], dtype=torch.int32)
    inner["uint8"] = torch.tensor([0, 1, 254, 255], dtype=torch.uint8)
    inner["bool"] = torch.tensor([[True, False, True], [False, False, True]])
    inner["scalar"] = torch.tensor(2.5)
    inner["expanded"] = torch.tensor([1.0, 2.0]).unsqueeze(0).expand(3, 2)   # stride (0, 1)
    inner["empty"] = torch.zeros(0, 3)
    inner["param"] = torch.nn.Parameter(torch.tensor([0.5, -0.5]))
    nested = {"module": {"weight": torch.tensor([[1.0, 2.0]]), "steps": 12}}
    state = collections.OrderedDict(inner)
    state.update({"nested": nested["module"]})
    torch.save({"state_dict": state, "epoch": 3}, os.path.join(OUT, "layouts.pt"))

    expected = collections.OrderedDict()
    for key, t in list(inner.items()) + [("nested.weight", nested["module"]["weight"])]:
        expected[key] = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "values": values(t)}
    with open(os.path.join(OUT, "layouts.json"), "w") as f:
        json.dump(expected, f, indent=1)

    torch.save({"w": torch.ones(2)}, os.path.join(OUT, "legacy.pt"), _use_new_zipfile_serialization=False)


def big_endian():
    little = os.path.join(OUT, "endian-little.pt")
    torch.save({"f": torch.tensor([1.5, -2.0]), "l": torch.tensor([1, 2 ** 40])}, little)
    # Storages are numbered in save order: data/0 holds "f" (4-byte elements), data/1 holds "l" (8).
    widths = {"endian-little/data/0": 4, "endian-little/data/1": 8}
    with zipfile.ZipFile(little) as src:
        records = {name: src.read(name) for name in src.namelist() if not name.endswith("/byteorder")}
    for name, width in widths.items():
        raw = records[name]
        records[name] = b"".join(raw[i:i + width][::-1] for i in range(0, len(raw), width))
    records["endian-little/byteorder"] = b"big"
    with zipfile.ZipFile(os.path.join(OUT, "endian-big.pt"), "w") as dst:
        for name, data in records.items():
            dst.writestr(name, data)
    os.remove(little)


if __name__ == "__main__":
    parity_reference()
    layouts()
    big_endian()
