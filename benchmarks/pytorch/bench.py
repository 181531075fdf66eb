#!/usr/bin/env python3
"""PyTorch 1.13 CPU timings to set beside StaticCnn's BenchmarkDotNet results.

    /usr/bin/python3 benchmarks/pytorch/bench.py [--json out.json] [--threads 1,all] [--quick] [--only lenet5,conv,...]

For every workload and thread count (torch.set_num_threads): warm-up, then the median of many timed repeats
(time.perf_counter). Workloads:
  lenet5_infer / cifar10net_infer   batch-1 inference, eager (torch.no_grad) and TorchScript frozen
                                    (torch.jit.freeze(torch.jit.script(m.eval()))), in microseconds
  lenet5_train / cifar10net_train   one SGD step at batch 64 (zero_grad, forward, cross-entropy, backward, step)
  conv3x3_<C>@<HW>                  3x3 pad 1 conv C->C at HWxHW, batch 1: forward, backward-data (grad of input
                                    only), backward-weights (grad of weight and bias only), the backward timed
                                    without its forward (retain_graph); GFLOP/s = 2*MACs/time
  vgg16_infer                       VGG-16 (built by hand, random weights) batch-1 inference at 3x224x224

Writes a table to stdout and, with --json, a machine-readable file:
  {"machine": {...}, "results": [{"name", "variant", "threads", "median_s", "min_s", "repeats", "cpu_s",
                                   "gflops"?, ...}]}   (cpu_s: mean process CPU time per call, all threads)
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from reference_models import LeNet5, Cifar10Net, VGG16  # noqa: E402


def measure(fn, min_time, min_repeats, max_repeats, warmup):
    for _ in range(warmup):
        fn()
    times = []
    cpu0 = time.process_time()  # CPU time of the process (all threads): not inflated by waiting for a core
    start = time.perf_counter()
    while len(times) < max_repeats and (len(times) < min_repeats or time.perf_counter() - start < min_time):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    cpu = (time.process_time() - cpu0) / len(times)
    return statistics.median(times), min(times), len(times), cpu


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def conv_workloads():
    return [(64, 56), (128, 28), (256, 14)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", help="write results as JSON to this file")
    ap.add_argument("--threads", default="1,all", help="comma list of thread counts; 'all' = os.cpu_count()")
    ap.add_argument("--quick", action="store_true", help="fewer repeats (a smoke test, not a measurement)")
    ap.add_argument("--only", default="", help="comma list of name prefixes to run (lenet5, cifar10net, conv, vgg16)")
    args = ap.parse_args(argv)

    all_threads = os.cpu_count() or 1
    thread_counts = []
    for t in args.threads.split(","):
        n = all_threads if t == "all" else int(t)
        if n not in thread_counts:
            thread_counts.append(n)
    min_time, min_rep, max_rep, warm = (0.2, 5, 200, 3) if args.quick else (2.0, 20, 2000, 10)
    only = [o for o in args.only.split(",") if o]

    def wanted(name):
        return not only or any(name.startswith(o) for o in only)

    torch.manual_seed(0)
    results = []
    load_start = os.getloadavg()

    def record(name, variant, threads, fn, flops=None, heavy=False):
        mt, mi, ma, w = (min_time, min(min_rep, 10) if heavy else min_rep, max_rep, 2 if heavy else warm)
        med, best, reps, cpu = measure(fn, mt, mi, ma, w)
        r = {"name": name, "variant": variant, "threads": threads, "median_s": med, "min_s": best, "repeats": reps,
             "cpu_s": cpu}
        if flops:
            r["flops"] = flops
            r["gflops"] = flops / med / 1e9
        results.append(r)
        extra = f"  {r['gflops']:8.2f} GFLOP/s" if flops else ""
        print(f"{name:22s} {variant:16s} {threads:3d} thr  median {fmt(med):>10s}  min {fmt(best):>10s}  n={reps}{extra}",
              flush=True)

    for threads in thread_counts:
        torch.set_num_threads(threads)
        # --- small networks: batch-1 inference, batch-64 SGD training step
        for name, cls, shape in (("lenet5", LeNet5, (1, 28, 28)), ("cifar10net", Cifar10Net, (3, 32, 32))):
            if not wanted(name):
                continue
            model = cls().eval()
            x1 = torch.rand(1, *shape)
            with torch.no_grad():
                record(f"{name}_infer", "eager", threads, lambda: model(x1))
                frozen = torch.jit.freeze(torch.jit.script(model.eval()))
                for _ in range(3):
                    frozen(x1)  # the profiling executor optimizes after the first calls
                record(f"{name}_infer", "torchscript", threads, lambda: frozen(x1))
            train_model = cls().train()
            opt = torch.optim.SGD(train_model.parameters(), lr=0.01, momentum=0.9)
            xb, yb = torch.rand(64, *shape), torch.randint(0, 10, (64,))

            def step():
                opt.zero_grad(set_to_none=False)
                F.cross_entropy(train_model(xb), yb).backward()
                opt.step()

            record(f"{name}_train", "sgd_b64", threads, step)
        # --- single convolutions
        if wanted("conv"):
            for c, hw in conv_workloads():
                name = f"conv3x3_{c}@{hw}"
                conv = nn.Conv2d(c, c, 3, padding=1)
                x = torch.randn(1, c, hw, hw)
                flops = 2 * c * c * 9 * hw * hw
                with torch.no_grad():
                    record(name, "forward", threads, lambda: conv(x), flops)
                xg = x.clone().requires_grad_(True)
                dy = torch.randn(1, c, hw, hw)
                # The forward runs once outside the timed call (retain_graph keeps its graph), so only the backward
                # convolution is timed, as StaticCnn's Conv2D.BackwardData / BackwardWeights are.
                # backward-data: grad of the input only (weights frozen: convolution_backward computes dX only)
                conv.weight.requires_grad_(False)
                conv.bias.requires_grad_(False)
                y_data = conv(xg)
                record(name, "backward_data", threads,
                       lambda: torch.autograd.grad(y_data, xg, dy, retain_graph=True), flops)
                # backward-weights: grad of weight and bias only (input does not require grad)
                conv.weight.requires_grad_(True)
                conv.bias.requires_grad_(True)
                y_weights = conv(x)
                record(name, "backward_weights", threads,
                       lambda: torch.autograd.grad(y_weights, (conv.weight, conv.bias), dy, retain_graph=True), flops)
                del y_data, y_weights
        # --- VGG-16
        if wanted("vgg16"):
            vgg = VGG16().eval()
            xv = torch.rand(1, 3, 224, 224)
            macs = 0
            h, c = 224, 3
            from reference_models import VGG16_CFG
            for v in VGG16_CFG:
                if v == "M":
                    h //= 2
                else:
                    macs += v * c * 9 * h * h
                    c = v
            macs += 512 * 49 * 4096 + 4096 * 4096 + 4096 * 1000
            with torch.no_grad():
                record("vgg16_infer", "eager", threads, lambda: vgg(xv), 2 * macs, heavy=True)
            del vgg

    print()
    print(f"load average (1/5/15 min) at start {load_start}, at end {os.getloadavg()} on {all_threads} CPUs")
    print_table(results, thread_counts)
    if args.json:
        out = {"machine": {"cpu": cpu_name(), "cpu_count": all_threads, "torch": torch.__version__,
                           "python": platform.python_version(), "platform": platform.platform(),
                           "parallel_info": torch.__config__.parallel_info().strip().splitlines()[:6],
                           "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                           "loadavg_start": list(load_start), "loadavg_end": list(os.getloadavg())},
               "method": f"median of >= {min_rep} repeats and >= {min_time}s after {warm} warm-up calls "
                         f"(VGG-16: >= 10 repeats, 2 warm-ups); time.perf_counter",
               "results": results}
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
        print(f"\nwrote {args.json}")
    return 0


def fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


def print_table(results, thread_counts):
    keys = []
    for r in results:
        k = (r["name"], r["variant"])
        if k not in keys:
            keys.append(k)
    head = f"| workload | variant | " + " | ".join(f"{t} thr median" for t in thread_counts) + " |"
    print(head)
    print("|" + "---|" * (2 + len(thread_counts)))
    for name, variant in keys:
        cells = []
        for t in thread_counts:
            r = next((r for r in results if r["name"] == name and r["variant"] == variant and r["threads"] == t), None)
            if r is None:
                cells.append("")
            else:
                cells.append(fmt(r["median_s"]) + (f" ({r['gflops']:.1f} GFLOP/s)" if "gflops" in r else ""))
        print(f"| {name} | {variant} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
