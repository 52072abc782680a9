"""fnn's published network (Wang et al., Nature 2025; vijk777/fnn, fnn/microns/build.py::network) stepped frame by
frame on a GPU, the way twinloop serves it: one 144 x 256 frame per session per step, recurrent state kept on the
device, at batch sizes 1 to 256; fp32, TF32 and bf16 (autocast). Prints one JSON object per configuration and a
summary: ms per step (median, p99), frames per second, and the sessions a GPU serves at 30 Hz with the step inside
one frame period (33.3 ms).

fnn's source is not part of twinloop (MIT; fetch it and pass its path). Its data-loading imports are stubbed.

Usage: python3 tools/gpu/fnn_gpu_bench.py FNN_SRC [--units 8000] [--batches 1,2,4,...] [--steps 30] [--device cuda]
"""
import argparse
import json
import sys
import time
import types

import numpy as np
import torch


def load_fnn(fnn_src: str):
    sys.path.insert(0, fnn_src)
    for name in ("tqdm", "pandas"):
        try:
            __import__(name)
        except ImportError:
            stub = types.ModuleType(name)
            stub.tqdm = lambda x, *a, **k: x
            sys.modules[name] = stub
    from fnn.microns.build import network
    return network


def percentile(values, q):
    return float(np.percentile(np.asarray(values), q))


@torch.no_grad()
def bench(net, batch, steps, warmup, device, precision, height, width):
    """Median and p99 ms of one step of `batch` sessions, state resident on the device, inputs copied from pinned
    host memory each step (as a server receiving frames would)."""
    rng = np.random.default_rng(batch)
    frames = torch.from_numpy(rng.integers(0, 256, (warmup + steps, batch, 1, height, width), dtype=np.uint8))
    behaviour = torch.from_numpy(rng.normal(size=(warmup + steps, batch, 4)).astype(np.float32))
    if device == "cuda":
        frames = frames.pin_memory()
        behaviour = behaviour.pin_memory()
    net.reset()
    times = []
    autocast = torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=precision == "bf16")
    for t in range(warmup + steps):
        if device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        frame = frames[t].to(device, non_blocking=True).float().div_(255.0)
        b = behaviour[t].to(device, non_blocking=True)
        with autocast:
            rates = net(frame, b[:, :2], b[:, 2:])
        rates = rates.float().cpu()  # the predictions go back to the host every step
        elapsed = (time.perf_counter() - start) * 1e3
        if t >= warmup:
            times.append(elapsed)
    if not torch.isfinite(rates).all():
        raise RuntimeError(f"non-finite rates at batch {batch} {precision}")
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("fnn_src")
    parser.add_argument("--units", type=int, default=8000)
    parser.add_argument("--batches", default="1,2,4,8,16,32,64,128,256")
    parser.add_argument("--precisions", default="fp32,tf32,bf16")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--height", type=int, default=144)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--budget-s", type=float, default=240, help="stop starting new rows after this many seconds")
    args = parser.parse_args()
    network = load_fnn(args.fnn_src)
    torch.manual_seed(0)
    net = network(args.units).to(args.device).eval()
    info = {"torch": torch.__version__, "device": args.device, "units": args.units,
            "frame": [args.height, args.width]}
    if args.device == "cuda":
        info["gpu"] = torch.cuda.get_device_name(0)
        info["cuda"] = torch.version.cuda
        info["cudnn"] = torch.backends.cudnn.version()
        torch.backends.cudnn.benchmark = True
    print(json.dumps({"info": info}), flush=True)
    began = time.perf_counter()
    rows = []
    for precision in args.precisions.split(","):
        torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
        torch.backends.cudnn.allow_tf32 = precision == "tf32"
        for batch in [int(b) for b in args.batches.split(",")]:
            if time.perf_counter() - began > args.budget_s:
                print(json.dumps({"skipped": [precision, batch], "reason": "time budget"}), flush=True)
                continue
            try:
                times = bench(net, batch, args.steps, args.warmup, args.device, precision, args.height, args.width)
            except torch.cuda.OutOfMemoryError as e:
                print(json.dumps({"precision": precision, "batch": batch, "error": "out of memory"}), flush=True)
                torch.cuda.empty_cache()
                continue
            median, p99 = percentile(times, 50), percentile(times, 99)
            row = {"precision": precision, "batch": batch, "ms_median": round(median, 3), "ms_p99": round(p99, 3),
                   "frames_per_s": round(batch * 1e3 / median, 1),
                   "sessions_at_30hz": batch if p99 <= 1e3 / 30 else 0}
            if args.device == "cuda":
                row["peak_memory_gb"] = round(torch.cuda.max_memory_allocated() / 1e9, 2)
                torch.cuda.reset_peak_memory_stats()
            rows.append(row)
            print(json.dumps(row), flush=True)
    best = {}
    for row in rows:
        p = row["precision"]
        if row["sessions_at_30hz"] > best.get(p, {}).get("sessions_at_30hz", -1):
            best[p] = row
    print(json.dumps({"summary": {p: {"sessions_at_30hz": r["sessions_at_30hz"], "batch": r["batch"],
                                      "ms_p99": r["ms_p99"]} for p, r in best.items()}}), flush=True)


if __name__ == "__main__":
    main()
